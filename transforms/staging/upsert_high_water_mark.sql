-- Move an object's high-water mark; it only moves forward unless :force is true.
insert into staging.sync_state as s (object, high_water_mark, updated_at)
values (:object, :high_water_mark, :now)
on conflict (object) do update set
    high_water_mark = case
        when :force or s.high_water_mark is null then excluded.high_water_mark
        else greatest(s.high_water_mark, excluded.high_water_mark)
    end,
    updated_at = excluded.updated_at;

select high_water_mark from staging.sync_state where object = :object
