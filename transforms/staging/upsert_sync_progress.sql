-- A sync in progress: records landed so far against the COUNT() (dealsync status shows it).
insert into staging.sync_status as s (
    object, status, last_attempt_at, consecutive_failures, api_calls_today, running_run_id,
    progress_landed, progress_expected, progress_at, updated_at)
values (
    :object, 'never synced', :now, 0, 0, :run_id, :landed, :expected, :now, :now)
on conflict (object) do update set
    running_run_id = excluded.running_run_id,
    progress_landed = excluded.progress_landed,
    progress_expected = excluded.progress_expected,
    progress_at = excluded.progress_at,
    updated_at = excluded.updated_at
