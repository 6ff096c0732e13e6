-- Record a failed sync attempt; last_success_at and record_count keep the last good values.
insert into staging.sync_status as s (
    object, status, last_attempt_at, last_failure_at, consecutive_failures, last_error,
    last_run_id, api_calls_today, api_calls_date, updated_at)
values (
    :object, 'failing', :now, :now, 1, :error,
    :run_id, :api_calls, :today, :now)
on conflict (object) do update set
    status = 'failing',
    last_attempt_at = excluded.last_attempt_at,
    last_failure_at = excluded.last_failure_at,
    consecutive_failures = s.consecutive_failures + 1,
    last_error = excluded.last_error,
    last_run_id = excluded.last_run_id,
    api_calls_today = case when s.api_calls_date = excluded.api_calls_date
                           then s.api_calls_today + excluded.api_calls_today
                           else excluded.api_calls_today end,
    api_calls_date = excluded.api_calls_date,
    running_run_id = null, progress_landed = null, progress_expected = null,
    progress_at = null,
    updated_at = excluded.updated_at
