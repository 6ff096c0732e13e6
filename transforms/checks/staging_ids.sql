-- Record Ids of one staging current-state table ({table} is quoted by the caller).
select id from staging.{table}
