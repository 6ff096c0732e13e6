-- Deal-review documents: one row per rule, deal and period (the ledger that makes each
-- attachment exactly once), and one log row per attempt.
create schema if not exists sync_back;

create table if not exists sync_back.deal_documents (
    doc_key varchar primary key,           -- rule:opportunity:period
    rule_name varchar not null,
    opportunity_id varchar not null,
    period varchar not null,
    title varchar not null,
    reason varchar,
    created_at timestamp not null,
    status varchar not null default 'pending',  -- pending|in_flight|sent|failed|retrying
    attempts integer not null default 0,
    next_attempt_at timestamp,
    in_flight_since timestamp,             -- set while Salesforce may hold an unrecorded insert
    content_document_id varchar,           -- the file (069): the same for every period
    content_version_id varchar,            -- this period's version (068)
    byte_size bigint,
    last_api varchar,
    last_error_code varchar,
    last_message varchar,
    last_run_id varchar,
    updated_at timestamp
);

create table if not exists sync_back.deal_document_log (
    run_id varchar not null,
    doc_key varchar not null,
    attempt integer not null,
    status varchar not null,               -- sent | failed | retrying | dry_run
    content_document_id varchar,
    content_version_id varchar,
    error_code varchar,
    message varchar,
    api varchar not null,                  -- json | multipart | lookup | local | dry_run
    byte_size bigint,
    logged_at timestamp not null
)
