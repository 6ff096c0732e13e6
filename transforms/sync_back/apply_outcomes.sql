-- Record per-row results: the outbox row's new state, and one sync_back_log entry per row.
-- `uncertain` rows (the send may or may not have reached Salesforce) keep in_flight_since, so
-- the next run looks them up by key before sending again.
update sync_back.sync_back_tasks as t
set sync_status = o.status,
    task_id = coalesce(o.task_id, t.task_id),
    next_attempt_at = o.next_attempt_at,
    in_flight_since = case when o.uncertain then t.in_flight_since else null end,
    bulk_job_id = case when o.uncertain then t.bulk_job_id else null end,
    last_error_code = o.error_code,
    last_message = o.message,
    last_run_id = :run_id,
    updated_at = o.logged_at
from sync_back_outcomes o
where t.sync_key = o.sync_key;

insert into sync_back.sync_back_log (run_id, sync_key, attempt, status, task_id, error_code,
                                     message, api, logged_at)
select :run_id, sync_key, attempt, status, task_id, error_code, message, api, logged_at
from sync_back_outcomes;

drop table sync_back_outcomes
