-- Columns of one staging table with their types, as both engines report them.
select column_name, data_type
from information_schema.columns
where table_schema = :schema and table_name = :table
order by ordinal_position
