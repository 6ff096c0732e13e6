-- Apply the batch to current state; ids not in the batch are not touched. A newer version
-- replaces the row; the same version is rewritten (e.g. refreshed formula values) unless the
-- row was marked hard-deleted after that version was seen.
delete from staging.{current} as c
using _land_latest as l
where c.id = l.id
  and (l.system_modstamp > c.system_modstamp
       or (l.system_modstamp = c.system_modstamp and c._hard_deleted_at is null));

insert into staging.{current} ({current_columns})
select {current_columns}
from _land_latest as l
where not exists (select 1 from staging.{current} as c where c.id = l.id)
