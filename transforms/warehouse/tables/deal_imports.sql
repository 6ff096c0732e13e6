-- Table: deal_imports
-- Purpose: Every opportunity ever imported, and when: what retention works from. A full
--   rebuild keeps it; only a purge removes a row.
-- Grain: one row per imported opportunity (opportunity_id)
-- Materialization: state
-- Columns:
--   opportunity_id varchar: Salesforce Opportunity Id.
--   first_imported_at timestamp: The run that first imported it.
create table if not exists warehouse.deal_imports (
    opportunity_id varchar not null,
    first_imported_at timestamp not null
)
