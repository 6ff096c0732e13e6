-- A versions or current-state table, created from the first describe that lands ({table} quoted).
create table if not exists staging.{table} ({column_definitions})
