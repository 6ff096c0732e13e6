-- Table: purge_log
-- Purpose: The audit trail of erasure requests: when, what kind of subject and how many rows
--   were removed. It holds no personal data: no Id, name or email of the subject.
-- Grain: one row per purge request (request_id)
-- Materialization: state
-- Columns:
--   request_id varchar: Generated id of the request.
--   requested_at timestamp: When the purge ran.
--   subject_kind varchar: opportunity | contact | email.
--   request_reference varchar: The caller's ticket reference (checked to hold no email address).
--   records_erased bigint: Salesforce records erased (and tombstoned).
--   rows_removed varchar: Rows removed per table, as JSON.
create table if not exists warehouse.purge_log (
    request_id varchar not null,
    requested_at timestamp not null,
    subject_kind varchar not null,
    request_reference varchar not null,
    records_erased bigint not null,
    rows_removed varchar not null
)
