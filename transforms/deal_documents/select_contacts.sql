-- The deal's contacts and their roles, primary first.
select contact_name, role, is_primary, contact_email, contact_title
from warehouse.deal_contacts
where opportunity_id = :opportunity_id
order by is_primary desc, contact_name
