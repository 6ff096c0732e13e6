{{ config(materialized='view') }}
-- The skipped opportunities: int_deal_placement's other rows (see there why one table).
select
    opportunity_id,
    skip_opportunity_name as opportunity_name,
    skip_owner_id as owner_id,
    skip_owner_email as owner_email,
    skip_stage_name as stage_name,
    skip_reason as reason,
    skip_reasons as reasons,
    skip_failed_filters as failed_filters,
    skip_detail as detail,
    skip_system_modstamp as system_modstamp
from {{ ref('int_deal_placement') }}
where not is_deal
