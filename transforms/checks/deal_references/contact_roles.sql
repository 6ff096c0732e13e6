select r.opportunity_id, 'Contact ' || r.contact_id as missing
from staging.opportunity_contact_role as r
join warehouse.deals as d on d.opportunity_id = r.opportunity_id
where r.contact_id is not null
  and not coalesce(r.is_deleted, false)
  and not exists (select 1 from staging.contact as c where c.id = r.contact_id)
