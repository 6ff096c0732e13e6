-- Remember newly imported deals (first_imported_at = this run), for retention.
insert into warehouse.deal_imports (opportunity_id, first_imported_at)
select c.opportunity_id, :as_of
from warehouse.deal_classification as c
inner join deal_scope as s
    on s.opportunity_id = c.opportunity_id
where c.passes_rules
  and not exists (
      select 1 from warehouse.deal_imports as i where i.opportunity_id = c.opportunity_id
  )
