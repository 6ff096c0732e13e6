-- Ids that Salesforce no longer returns at all (recycle bin emptied after ~15 days): mark the
-- current row deleted and stamp when we noticed; history and the row itself are kept.
analyze _present_ids;

create temporary table _hard_deleted_ids as
select c.id
from staging.{current} as c
where not c.is_deleted
  and not exists (select 1 from _present_ids as p where p.id = c.id);

update staging.{current}
set is_deleted = true, _hard_deleted_at = :detected_at
where id in (select id from _hard_deleted_ids);

select count(*) from _hard_deleted_ids
