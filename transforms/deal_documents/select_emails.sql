-- The deal's most recent emails.
select message_date, direction, from_name, from_address, subject
from warehouse.deal_emails
where opportunity_id = :opportunity_id
order by message_date desc nulls last, email_id
limit :limit
