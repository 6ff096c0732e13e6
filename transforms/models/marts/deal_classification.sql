{{ config(
    materialized='incremental',
    incremental_strategy='deal_scope',
    unique_key='opportunity_id',
    indexes=deal_key_index(),
    on_schema_change='append_new_columns'
) }}
-- depends_on: {{ ref('int_deal_scope') }}
with rules as (
    select * from {{ ref('int_opportunity_rules') }}
),

imports as (
    select opportunity_id from {{ ref('deal_imports') }}
)

select
    r.opportunity_id,
    r.opportunity_name,
    r.owner_id,
    r.owner_email,
    r.stage_name,
    r.record_type,
    r.opportunity_type,
    r.owner_not_found,
    r.stage_not_found,
    r.filtered_out,
    r.failed_filters,
    r.reasons,
    r.reason,
    r.detail,
    r.passes_rules,
    -- deal_imports already holds this run's newly passing deals: imported once, a deal
    -- stays one (retention).
    i.opportunity_id is not null as is_deal,
    r.system_modstamp
from rules as r
left join imports as i
    on i.opportunity_id = r.opportunity_id
