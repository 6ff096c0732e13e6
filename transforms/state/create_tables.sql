-- The tables the pipeline (not dbt) keeps in the schema warehouse across runs and rebuilds;
-- documented as the dbt source dealsync_state (transforms/models/_dealsync_state__sources.yml).
create schema if not exists warehouse;

create table if not exists warehouse.transform_state (
    name varchar not null,
    value varchar,
    updated_at timestamp not null
);

create table if not exists warehouse.purge_tombstones (
    object_name varchar not null,
    id_hash varchar not null,
    purged_at timestamp not null,
    request_id varchar not null
);

create table if not exists warehouse.purge_log (
    request_id varchar not null,
    requested_at timestamp not null,
    subject_kind varchar not null,
    request_reference varchar not null,
    records_erased bigint not null,
    rows_removed varchar not null
);

