-- Opportunities landed by this run that are older than the contact roles' history: their older
-- contact roles were never in a window, so they are fetched by OpportunityId once.
select o.id
from staging.opportunity as o
where o._run_id = :run_id
  and not coalesce(o.is_deleted, false)
  and o.created_date < :history_start
  and not exists (select 1 from staging.reference_fetches as f
                  where f.object = 'OpportunityContactRole' and f.id = o.id)
order by 1
