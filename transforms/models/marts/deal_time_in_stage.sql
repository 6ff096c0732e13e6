{{ config(
    materialized='incremental',
    incremental_strategy='deal_scope',
    unique_key='opportunity_id',
    indexes=deal_key_index(),
    on_schema_change='append_new_columns'
) }}
-- depends_on: {{ ref('int_deal_scope') }}
select
    h.opportunity_id,
    h.stage_name,
    max(h.pipeline_stage) as pipeline_stage,
    cast(count(*) as bigint) as entries,
    min(h.entered_at) as first_entered_at,
    case when bool_or(h.is_current) then null else max(h.exited_at) end as last_exited_at,
    bool_or(h.is_current) as is_current,
    cast(coalesce(sum(h.days_in_stage), 0) as double precision) as days_in_finished_visits,
    max(case when h.is_current and not h.is_closed_stage then h.entered_at end)
        as current_visit_started_at
from {{ ref('deal_stage_history') }} as h
{{ in_scope('h') }}
group by h.opportunity_id, h.stage_name
