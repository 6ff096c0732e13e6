-- When {object} last synced successfully, and whether that is recent enough. One row even when
-- the object never synced (then `fresh` is false).
select o.object, s.last_success_at,
       coalesce(s.last_success_at >= {fresh_after}, false) as fresh
from (select {object} as object) o
left join staging.sync_status s on s.object = o.object
