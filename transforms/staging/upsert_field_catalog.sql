-- Remember the field list an object was just extracted with.
insert into staging.field_catalog (object, fields_json, updated_at)
values (:object, :fields_json, :now)
on conflict (object) do update set
    fields_json = excluded.fields_json,
    updated_at = excluded.updated_at;
