-- Table: deal_filter_values
-- Purpose: The include/exclude filters from the settings (filters.record_types,
--   filters.opportunity_types, filters.stages), one value per row, rewritten at the start of
--   every run. Custom-field rules are applied by the run itself and listed in the run metadata.
-- Grain: one row per filter value
-- Materialization: seed
-- Columns:
--   filter_name varchar: record_type | opportunity_type | stage.
--   mode varchar: include | exclude.
--   value varchar: RecordType DeveloperName, Opportunity Type or StageName, matched exactly.
create table if not exists warehouse.deal_filter_values (
    filter_name varchar not null,
    mode varchar not null,
    value varchar not null
)
