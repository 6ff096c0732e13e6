-- Model: deal_skips
-- Purpose: One row per non-deleted opportunity that is not imported, with why and how to fix
--   it. Reason order (reason is the first that applies): owner_not_found, stage_not_found,
--   filtered_out. Every non-deleted opportunity is in exactly one of deals and deal_skips.
-- Grain: one row per skipped opportunity (opportunity_id)
-- Materialization: incremental
-- Columns:
--   opportunity_id varchar: Salesforce Opportunity Id.
--   opportunity_name varchar: Opportunity name.
--   owner_id varchar: Opportunity owner (a user_id).
--   owner_email varchar: Owner's email, normalized (trimmed, lower-cased): the email to license.
--   stage_name varchar: Salesforce StageName.
--   reason varchar: The primary reason: owner_not_found | stage_not_found | filtered_out.
--   reasons varchar: Every reason that applies, in that order, comma-separated.
--   failed_filters varchar: The filters that reject it (record_type, opportunity_type, stage,
--     custom_fields[N]).
--   detail varchar: What is needed to import it (the owner email, the stage name, the filter), one
--     part per reason in the same order, separated by '; '.
--   system_modstamp timestamp: Opportunity SystemModstamp when it was classified.
select
    c.opportunity_id,
    c.opportunity_name,
    c.owner_id,
    c.owner_email,
    c.stage_name,
    c.reason,
    c.reasons,
    c.failed_filters,
    c.detail,
    c.system_modstamp
from warehouse.deal_classification as c
inner join deal_scope as s
    on s.opportunity_id = c.opportunity_id
where not c.is_deal
