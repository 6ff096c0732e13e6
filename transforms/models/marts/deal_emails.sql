{{ config(
    materialized='incremental',
    incremental_strategy='deal_scope',
    unique_key='opportunity_id',
    indexes=deal_key_index(),
    on_schema_change='append_new_columns'
) }}
-- depends_on: {{ ref('int_deal_scope') }}
select
    m.id as email_id,
    m.related_to_id as opportunity_id,
    case when coalesce(m.incoming, false) then 'inbound' else 'outbound' end as direction,
    m.from_name,
    m.from_address,
    m.to_address,
    m.cc_address,
    m.subject,
    m.message_date,
    m.status,
    m.activity_id,
    m.created_date
from {{ ref('stg_salesforce__email_message') }} as m
inner join {{ ref('int_scoped_deals') }} as d
    on d.opportunity_id = m.related_to_id
where not m.is_removed
