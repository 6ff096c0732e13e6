-- PostgreSQL only: the keys merges look rows up by ({table} is the snake_case object table).
-- DuckDB scans instead; its indexes would slow every bulk load.
create unique index if not exists {table}_versions_key on staging.{versions} (id, system_modstamp);

create unique index if not exists {table}_current_key on staging.{current} (id)
