-- The newest version of each id in the batch, shaped like a current-state row.
-- {other_columns}: the field columns except is_deleted, which {is_deleted} computes:
-- coalesce(is_deleted, false), or false for objects without IsDeleted (User, RecordType, ...).
create temporary table _land_latest as
select {other_columns},
       {is_deleted} as is_deleted,
       cast(:window_start as timestamp) as _window_start,
       cast(:window_end as timestamp) as _window_end,
       cast(:run_id as varchar) as _run_id,
       cast(:extracted_at as timestamp) as _extracted_at,
       cast(:api as varchar) as _api
from (
    select b.*, row_number() over (partition by id order by system_modstamp desc) as _newest
    from _land_batch as b
) as ranked
where _newest = 1
