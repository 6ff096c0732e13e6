-- One object's sync health row.
select * from staging.sync_status where object = :object
