-- Record a successful sync of one object; api_calls_today restarts at the first call of a UTC day.
insert into staging.sync_status as s (
    object, status, last_attempt_at, last_success_at, consecutive_failures, record_count,
    last_run_id, last_window_start, last_window_end, last_api, api_calls_today, api_calls_date,
    history_start, updated_at)
values (
    :object, 'ok', :now, :now, 0, :record_count,
    :run_id, :window_start, :window_end, :api, :api_calls, :today,
    :window_start, :now)
on conflict (object) do update set
    status = 'ok',
    last_attempt_at = excluded.last_attempt_at,
    last_success_at = excluded.last_success_at,
    consecutive_failures = 0,
    record_count = excluded.record_count,
    last_run_id = excluded.last_run_id,
    last_window_start = excluded.last_window_start,
    last_window_end = excluded.last_window_end,
    last_api = excluded.last_api,
    api_calls_today = case when s.api_calls_date = excluded.api_calls_date
                           then s.api_calls_today + excluded.api_calls_today
                           else excluded.api_calls_today end,
    api_calls_date = excluded.api_calls_date,
    history_start = coalesce(least(s.history_start, excluded.history_start), s.history_start,
                             excluded.history_start),
    running_run_id = null, progress_landed = null, progress_expected = null,
    progress_at = null,
    updated_at = excluded.updated_at
