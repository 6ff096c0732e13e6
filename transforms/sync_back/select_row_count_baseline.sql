-- The row count a table had when its check last ran (its previous materialization).
select row_count from sync_back.check_row_counts where table_name = :table_name
