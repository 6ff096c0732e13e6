-- 1 when the table exists, else 0; information_schema works the same on both engines.
select count(*) from information_schema.tables where table_schema = :schema and table_name = :name
