-- Every non-deleted opportunity must be in exactly one of deals and deal_skips, and neither may
-- hold an opportunity that is deleted or unknown. `problem` is null when all is well.
select o.id as opportunity_id,
       case (case when exists (select 1 from warehouse.deals d where d.opportunity_id = o.id)
                  then 1 else 0 end
             + case when exists (select 1 from warehouse.deal_skips k where k.opportunity_id = o.id)
                  then 1 else 0 end)
            when 1 then null
            when 0 then 'in neither deals nor deal_skips'
            else 'in both deals and deal_skips' end as problem
from staging.opportunity o
where not coalesce(o.is_deleted, false)
union all
select x.opportunity_id, 'in ' || x.source || ' but deleted or unknown in staging' as problem
from (select opportunity_id, 'deals' as source from warehouse.deals
      union all
      select opportunity_id, 'deal_skips' as source from warehouse.deal_skips) x
where not exists (select 1 from staging.opportunity o
                  where o.id = x.opportunity_id and not coalesce(o.is_deleted, false))
