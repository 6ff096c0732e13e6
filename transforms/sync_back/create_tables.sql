-- The outbox (one row per Task to write), the per-attempt result log, and the row counts the
-- quality checks compare against. Other systems and analysts may insert into the outbox: every
-- delivery column has a default: sync_key, what_id or who_id, subject and activity_date suffice.
create schema if not exists sync_back;

create table if not exists sync_back.sync_back_tasks (
    sync_key varchar primary key,          -- rule + deal + period, or the caller's own key
    source varchar not null default 'external',
    rule_name varchar,
    opportunity_id varchar,
    what_id varchar,                       -- Task.WhatId: the opportunity
    who_id varchar,                        -- Task.WhoId: the contact
    owner_id varchar,                      -- Task.OwnerId: the deal owner
    subject varchar,
    description varchar,
    activity_date varchar,                 -- due date, YYYY-MM-DD
    status varchar not null default 'Not Started',
    priority varchar not null default 'Normal',
    task_subtype varchar not null default 'Task',
    reason varchar,                        -- why the Task is queued (shown by dry-run)
    created_at timestamp not null default (current_timestamp at time zone 'UTC'),
    sync_status varchar not null default 'pending',  -- pending|in_flight|sent|failed|retrying
    attempts integer not null default 0,
    next_attempt_at timestamp,
    in_flight_since timestamp,             -- set while Salesforce may hold an unrecorded write
    bulk_job_id varchar,
    task_id varchar,
    last_error_code varchar,
    last_message varchar,
    last_run_id varchar,
    updated_at timestamp
);

create table if not exists sync_back.sync_back_log (
    run_id varchar not null,
    sync_key varchar not null,
    attempt integer not null,
    status varchar not null,               -- sent | failed | retrying
    task_id varchar,
    error_code varchar,
    message varchar,
    api varchar not null,                  -- composite | bulk | lookup | local
    logged_at timestamp not null
);

create table if not exists sync_back.check_row_counts (
    table_name varchar primary key,
    row_count bigint not null,
    run_id varchar,
    observed_at timestamp not null
)
;

-- What the last dry run would have sent, and why (replaced by each dry run).
create table if not exists sync_back.sync_back_preview (
    run_id varchar not null,
    sync_key varchar not null,
    operation varchar not null,
    payload varchar,                       -- the exact Task JSON that would be sent
    reason varchar,
    problem varchar,                       -- why the row would be failed instead of sent
    previewed_at timestamp not null
)
