-- Scratch table for one extracted batch; it disappears with the connection that created it.
create temporary table _land_batch ({column_definitions})
