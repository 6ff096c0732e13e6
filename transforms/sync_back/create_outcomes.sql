-- Session-local per-row results of one send, merged by apply_outcomes.sql.
create temporary table sync_back_outcomes (
    sync_key varchar, status varchar, api varchar, task_id varchar, error_code varchar,
    message varchar, attempt integer, next_attempt_at timestamp, uncertain boolean,
    logged_at timestamp
)
