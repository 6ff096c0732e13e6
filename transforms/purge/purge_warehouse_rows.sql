-- Erasure request, warehouse side, in the erasure's transaction: the rows that name an erased
-- record leave the built tables at once ({table}, {column}: a warehouse table and the column
-- that holds an Id of {object_name} records). The run that follows rebuilds the affected deals'
-- counts; until it commits, nothing erased is shown, only counts that still include it.
delete from {table}
where {column} in (select id from purge_targets where object_name = :object_name)
