-- Keep the owners of the previous run, to find the users whose match or status changed.
create temporary table previous_owners as
select * from warehouse.owners
