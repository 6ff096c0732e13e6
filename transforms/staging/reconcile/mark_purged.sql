-- Staged records Salesforce no longer returns at all (its recycle bin is emptied after about
-- 15 days): mark the current row deleted and stamp when we noticed; history and the row stay.
create temporary table _purged_ids as
select c.id
from staging.{current} as c
where not c.is_deleted
  and not exists (select 1 from _org_records as o where o.id = c.id);

update staging.{current}
set is_deleted = true, _hard_deleted_at = :detected_at
where id in (select id from _purged_ids);

select count(*) from _purged_ids
