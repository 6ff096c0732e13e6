-- Users whose name, email, licence match or status changed since the previous run: their
-- deals are re-classified even when the opportunities themselves did not change.
create temporary table changed_owners as
select user_id from (
    select * from warehouse.owners
    except
    select * from previous_owners
) as added_or_changed
union
select user_id from (
    select * from previous_owners
    except
    select * from warehouse.owners
) as removed_or_changed;

analyze changed_owners
