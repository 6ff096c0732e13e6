-- Every object's rejects, newest first (the WARN checks show them).
select object, record_id, field, value_excerpt, error, fix, system_modstamp, first_seen_at
from staging.rejects
order by object, last_seen_at desc, reject_key
