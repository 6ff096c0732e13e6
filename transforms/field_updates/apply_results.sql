-- Store each field's new state (insert or replace) and log the results meant for the log
-- (an in_flight claim changes the state only).
insert into sync_back.field_update_state (object, record_id, field, mapping, value,
    staged_before, salesforce_value, status, attempts, next_attempt_at, last_error_code,
    last_message, run_id, updated_at)
select object, record_id, field, mapping, after_value, before_value, salesforce_value, status,
       attempt, next_attempt_at, error_code, message, :run_id, logged_at
from field_update_results
on conflict (object, record_id, field) do update set
    mapping = excluded.mapping, value = excluded.value, staged_before = excluded.staged_before,
    salesforce_value = excluded.salesforce_value, status = excluded.status,
    attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at,
    last_error_code = excluded.last_error_code, last_message = excluded.last_message,
    run_id = excluded.run_id, updated_at = excluded.updated_at;

insert into sync_back.field_update_log (run_id, mapping, object, record_id, field, status,
    before_value, after_value, salesforce_value, error_code, message, attempt, api, logged_at)
select :run_id, mapping, object, record_id, field, status, before_value, after_value,
       salesforce_value, error_code, message, attempt, api, logged_at
from field_update_results
where log;

drop table field_update_results
