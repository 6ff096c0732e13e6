-- Rebuild current state from the whole version history: newest version per id. Hard-delete
-- marks survive when they were made on the version that is still the newest.
create temporary table _hard_deleted as
select id, system_modstamp, _hard_deleted_at
from staging.{current}
where _hard_deleted_at is not null;

delete from staging.{current};

insert into staging.{current} ({current_columns})
select {current_columns}
from (
    select {other_columns},
           {is_deleted} as is_deleted,
           _window_start, _window_end, _run_id, _extracted_at, _api,
           row_number() over (partition by id order by system_modstamp desc) as _newest
    from staging.{versions}
) as ranked
where _newest = 1;

update staging.{current} as c
set is_deleted = true, _hard_deleted_at = h._hard_deleted_at
from _hard_deleted as h
where c.id = h.id
  and c.system_modstamp = h.system_modstamp;

select count(*) from staging.{current}
