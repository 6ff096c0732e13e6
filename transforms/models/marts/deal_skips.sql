{{ config(
    materialized='incremental',
    incremental_strategy='deal_scope',
    unique_key='opportunity_id',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_deal_scope') }}
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
from {{ ref('deal_classification') }} as c
{{ in_scope('c') }}
where not c.is_deal
