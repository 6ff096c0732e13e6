-- Table: transform_state
-- Purpose: What the last warehouse run used: when it started (incremental runs re-read
--   staging rows landed since then, minus a lookback) and fingerprints of the rules and the
--   model code (a change forces a full rebuild).
-- Grain: one row per setting name
-- Materialization: state
-- Columns:
--   name varchar: last_started_at | last_as_of | settings_fingerprint | build_fingerprint |
--     last_mode.
--   value varchar: The value, as text.
--   updated_at timestamp: When the run that wrote it started.
create table if not exists warehouse.transform_state (
    name varchar not null,
    value varchar,
    updated_at timestamp not null
)
