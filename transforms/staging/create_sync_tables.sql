-- Per-object sync bookkeeping: the SystemModstamp high-water mark, and the health a user checks
-- ("is the sync working?"). Never holds credentials; error text is redacted before it lands here.
create table if not exists staging.sync_state (
    object varchar primary key,
    high_water_mark timestamp,
    updated_at timestamp not null
);

create table if not exists staging.sync_status (
    object varchar primary key,
    status varchar not null,
    last_attempt_at timestamp,
    last_success_at timestamp,
    last_failure_at timestamp,
    consecutive_failures bigint not null,
    last_error varchar,
    record_count bigint,
    last_run_id varchar,
    last_window_start timestamp,
    last_window_end timestamp,
    last_api varchar,
    api_calls_today bigint not null,
    api_calls_date date,
    updated_at timestamp not null
);
-- The earliest SystemModstamp any successful sync of the object covered: how far back its
-- history reaches (a `6m` backfill: six months ago; `all`, or a small object: 1970).
alter table staging.sync_status add column if not exists history_start timestamp;
-- A sync in progress: its run and how far it got (records landed of Salesforce's COUNT()),
-- cleared when the object's sync succeeds or fails.
alter table staging.sync_status add column if not exists running_run_id varchar;
alter table staging.sync_status add column if not exists progress_landed bigint;
alter table staging.sync_status add column if not exists progress_expected bigint;
alter table staging.sync_status add column if not exists progress_at timestamp;

-- The org's daily API usage as the last sync's responses reported it (Sforce-Limit-Info), so
-- `dealsync status` can show dealsync's own calls beside the org's total without a call.
create table if not exists staging.api_usage (
    org varchar primary key,
    used bigint not null,
    daily_max bigint not null,
    seen_at timestamp not null
);

-- Records that could not be staged (assets/salesforce/quarantine.py): the rest of their object
-- landed. A record leaves when it lands (fixed in Salesforce) or a later run reads its window
-- again without it. reject_key: the record's Id, or for a record without one a hash of what it
-- carried.
create table if not exists staging.rejects (
    object varchar not null,
    reject_key varchar not null,
    record_id varchar,
    field varchar not null,
    value_excerpt varchar,
    error varchar not null,
    fix varchar not null,
    system_modstamp timestamp,
    run_id varchar not null,
    first_seen_at timestamp not null,
    last_seen_at timestamp not null,
    primary key (object, reject_key)
);

-- Records fetched by Id so that every deal's references are staged (assets/salesforce/
-- references.py): a parent record (Account, Contact, User) by its Id, and an opportunity's
-- contact roles (object OpportunityContactRole, id = the opportunity). `found` is false when
-- Salesforce did not return it (deleted for good, or hidden from the integration user).
create table if not exists staging.reference_fetches (
    object varchar not null,
    id varchar not null,
    found boolean not null,
    fetched_at timestamp not null,
    primary key (object, id)
);

-- The field list (API name -> Salesforce type, as JSON) each object was last extracted with.
-- Grain: one row per object. The next tick queries with it while checking describe.
create table if not exists staging.field_catalog (
    object varchar(255) primary key,
    fields_json text not null,
    updated_at timestamp not null
)
