-- Mark rows in flight just before they are sent. Only rows still due are claimed, so two runs
-- can never send the same row; RETURNING says which ones this run owns.
update sync_back.sync_back_tasks as t
set sync_status = 'in_flight',
    in_flight_since = :now,
    bulk_job_id = :bulk_job_id,
    attempts = t.attempts + 1,
    last_run_id = :run_id,
    updated_at = :now
from sync_back_keys k
where t.sync_key = k.sync_key
  and (t.sync_status = 'pending'
       or (t.sync_status = 'retrying' and (t.next_attempt_at is null or t.next_attempt_at <= :now))
       or (t.sync_status = 'in_flight' and t.in_flight_since <= :stale_before))
returning t.sync_key, t.attempts
