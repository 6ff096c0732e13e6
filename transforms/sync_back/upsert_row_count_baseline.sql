-- Remember this materialization's row count for the next run's drop check.
insert into sync_back.check_row_counts as c (table_name, row_count, run_id, observed_at)
values (:table_name, :row_count, :run_id, :now)
on conflict (table_name) do update set
    row_count = excluded.row_count, run_id = excluded.run_id, observed_at = excluded.observed_at
