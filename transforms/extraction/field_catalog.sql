-- The field list (API name -> Salesforce type, as JSON) each object was last extracted with.
-- Grain: one row per object. The next tick queries with it while checking describe.
create table if not exists staging.field_catalog (
    object varchar(255) primary key,
    fields_json text not null,
    updated_at timestamp not null
);
