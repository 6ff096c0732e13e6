-- The field list each object was last extracted with (object, fields_json).
select object, fields_json from staging.field_catalog
