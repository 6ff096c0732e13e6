select d.opportunity_id, 'Account ' || d.account_id as missing
from warehouse.deals as d
where d.account_id is not null
  and not exists (select 1 from staging.account as a where a.id = d.account_id)
