select d.opportunity_id, 'User ' || d.owner_id as missing
from warehouse.deals as d
where d.owner_id is not null
  and not exists (select 1 from staging.user as u where u.id = d.owner_id)
