-- Records whose staged state is not Salesforce's, with the reason: missing from staging
-- (committed further behind than a tick's lookback reached; records older than the history
-- the object synced, :history_start, are left out on purpose), staged at an older
-- SystemModstamp, deleted or undeleted since, or formula values that changed while
-- SystemModstamp did not (a cross-object formula, TODAY()). Each is read again by Id.
-- {deleted_differs} and {values_differ} are built from the object's columns (org_state.py).
analyze _org_records;

select o.id,
       case when c.id is null then 'missing'
            when c.system_modstamp < o.system_modstamp then 'older in staging'
            when {deleted_differs} then 'deleted or undeleted'
            else 'formula values changed'
       end as reason
from _org_records as o
left join staging.{current} as c on c.id = o.id
where (c.id is null and o.system_modstamp >= :history_start)
   or c.system_modstamp < o.system_modstamp
   or (c.system_modstamp = o.system_modstamp and c._hard_deleted_at is null
       and ({deleted_differs} or {values_differ}))
order by o.id
