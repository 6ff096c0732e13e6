-- Land one batch into the version history: a version landed before (same id and
-- system_modstamp) is replaced, all other history is kept, so re-running a window converges.
-- The modstamp range lets DuckDB skip row groups and PostgreSQL narrow its index scan.
delete from staging.{versions} as v
using _land_batch as b
where v.id = b.id
  and v.system_modstamp = b.system_modstamp
  and v.system_modstamp between :min_modstamp and :max_modstamp;

insert into staging.{versions} ({columns}, _window_start, _window_end, _run_id, _extracted_at, _api)
select {columns}, :window_start, :window_end, :run_id, :extracted_at, :api
from _land_batch
