-- Table: stage_mapping
-- Purpose: The stage_mapping from the settings (Salesforce StageName -> pipeline stage),
--   rewritten at the start of every run; empty when the settings have none, in which case
--   every active stage maps to itself.
-- Grain: one row per mapped Salesforce stage (stage_name)
-- Materialization: seed
-- Columns:
--   stage_name varchar: Salesforce StageName (case-sensitive).
--   pipeline_stage varchar: Pipeline stage it maps to.
create table if not exists warehouse.stage_mapping (
    stage_name varchar not null,
    pipeline_stage varchar not null
)
