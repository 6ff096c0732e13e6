-- The latest staged version of each record of one object: Id, SystemModstamp, mapped fields.
select id, system_modstamp, {columns}
from staging.{table}
where not coalesce(is_deleted, false)
