-- The SystemModstamp up to which an object has been landed.
select high_water_mark from staging.sync_state where object = :object
