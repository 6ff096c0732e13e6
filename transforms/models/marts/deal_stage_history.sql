{{ config(
    materialized='incremental',
    incremental_strategy='deal_scope',
    unique_key='opportunity_id',
    indexes=deal_key_index(),
    on_schema_change='append_new_columns'
) }}
-- depends_on: {{ ref('int_deal_scope') }}
with deal_versions as (
    select
        v.id as opportunity_id,
        v.stage_name,
        coalesce(v.is_closed, false) as is_closed,
        v.last_stage_change_date,
        v.created_date,
        v.system_modstamp,
        lag(v.stage_name) over (
            partition by v.id order by v.system_modstamp
        ) as previous_stage_name,
        lag(v.last_stage_change_date) over (
            partition by v.id order by v.system_modstamp
        ) as previous_stage_change_date,
        row_number() over (partition by v.id order by v.system_modstamp) as version_number
    from {{ ref('stg_salesforce__opportunity_versions') }} as v
    inner join {{ ref('int_scoped_deals') }} as d
        on d.opportunity_id = v.id
    where not v.is_removed
),

stage_entries as (
    select
        opportunity_id,
        stage_name,
        previous_stage_name as from_stage_name,
        is_closed,
        system_modstamp as observed_at,
        case
            when version_number = 1
                then coalesce(last_stage_change_date, created_date, system_modstamp)
            else coalesce(last_stage_change_date, system_modstamp)
        end as entered_at,
        case when version_number = 1 then 'first_seen' else 'change' end as source
    from deal_versions
    where version_number = 1
       or stage_name is distinct from previous_stage_name
       or last_stage_change_date > previous_stage_change_date
),

sequenced as (
    select
        e.*,
        row_number() over (
            partition by e.opportunity_id order by e.observed_at
        ) as entry_number,
        lead(e.entered_at) over (
            partition by e.opportunity_id order by e.observed_at
        ) as exited_at
    from stage_entries as e
)

select
    s.opportunity_id,
    cast(s.entry_number as bigint) as entry_number,
    s.stage_name,
    st.pipeline_stage,
    s.from_stage_name,
    s.entered_at,
    s.exited_at,
    s.exited_at is null as is_current,
    s.is_closed as is_closed_stage,
    cast(extract(epoch from (s.exited_at - s.entered_at)) / 86400.0 as double precision)
        as days_in_stage,
    s.source,
    s.observed_at
from sequenced as s
left join {{ ref('stages') }} as st
    on st.stage_name = s.stage_name
