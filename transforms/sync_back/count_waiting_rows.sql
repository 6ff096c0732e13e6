-- Rows to send later: still in backoff, or in flight too recently to tell whether a running
-- send owns them.
select count(*)
from sync_back.sync_back_tasks
where (sync_status = 'retrying' and next_attempt_at > :now)
   or (sync_status = 'in_flight' and in_flight_since > :stale_before)
