-- Field write-back bookkeeping: the last value sent per (object, record, field) with its state,
-- one log row per result, and the dry run's preview.
create schema if not exists sync_back;

create table if not exists sync_back.field_update_state (
    object varchar not null,
    record_id varchar not null,             -- 18-character Id
    field varchar not null,
    mapping varchar not null,
    value varchar,                          -- the desired value last acted on (normalised text)
    staged_before varchar,                  -- the staged value when it was acted on
    salesforce_value varchar,               -- Salesforce's value at a conflict
    status varchar not null,                -- in_flight|sent|conflict|failed|retrying
    attempts integer not null default 0,
    next_attempt_at timestamp,
    last_error_code varchar,
    last_message varchar,
    run_id varchar,
    updated_at timestamp not null,
    primary key (object, record_id, field)
);

create table if not exists sync_back.field_update_log (
    run_id varchar not null,
    mapping varchar not null,
    object varchar not null,
    record_id varchar not null,
    field varchar not null,
    status varchar not null,                -- sent|conflict|failed|retrying
    before_value varchar,                   -- staged (what Salesforce held as last staged)
    after_value varchar,                    -- desired (from the warehouse)
    salesforce_value varchar,               -- Salesforce's current value, for conflicts
    error_code varchar,
    message varchar,
    attempt integer not null default 0,
    api varchar,                            -- composite | lookup | local
    logged_at timestamp not null
);

create table if not exists sync_back.field_update_preview (
    mapping varchar not null,
    object varchar not null,
    record_id varchar not null,
    field varchar not null,
    before_value varchar,
    after_value varchar,
    why varchar,
    previewed_at timestamp not null
)
