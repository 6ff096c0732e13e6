-- Outbox rows to send now: new ones, transient failures whose backoff is over, and rows left in
-- flight by an interrupted run once the grace period (:stale_before) has passed.
select *
from sync_back.sync_back_tasks
where sync_status = 'pending'
   or (sync_status = 'retrying' and (next_attempt_at is null or next_attempt_at <= :now))
   or (sync_status = 'in_flight' and in_flight_since <= :stale_before)
order by created_at, sync_key
