-- Table: purge_tombstones
-- Purpose: Records erased on request (GDPR). Every run deletes staged rows whose Id hash is
--   here, so a later sync cannot bring them back. Only an MD5 of the Salesforce Id is kept,
--   never the Id, a name or an email.
-- Grain: one row per erased Salesforce record (object_name, id_hash)
-- Materialization: state
-- Columns:
--   object_name varchar: Staging table of the record (opportunity, contact, task, ...).
--   id_hash varchar: md5 of the 18-character Salesforce Id.
--   purged_at timestamp: When it was erased.
--   request_id varchar: The purge_log entry that erased it.
create table if not exists warehouse.purge_tombstones (
    object_name varchar not null,
    id_hash varchar not null,
    purged_at timestamp not null,
    request_id varchar not null
)
