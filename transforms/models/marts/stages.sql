with salesforce_stages as (
    select
        api_name as stage_name,
        master_label,
        coalesce(is_active, false) as is_active,
        cast(sort_order as bigint) as sort_order,
        coalesce(is_closed, false) as is_closed,
        coalesce(is_won, false) as is_won,
        forecast_category,
        cast(default_probability as double precision) as probability
    from {{ ref('stg_salesforce__opportunity_stage') }}
    where not is_removed
),

configured_mapping as (
    select stage_name, pipeline_stage
    from {{ ref('stage_mapping') }}
),

mapping_in_use as (
    select count(*) > 0 as is_configured
    from configured_mapping
),

pipeline_members as (
    select
        s.*,
        coalesce(m.pipeline_stage, s.stage_name) as pipeline_stage
    from salesforce_stages as s
    cross join mapping_in_use as u
    left join configured_mapping as m
        on m.stage_name = s.stage_name
    where (u.is_configured and m.stage_name is not null)
       or (not u.is_configured and s.is_active)
)

select
    stage_name,
    pipeline_stage,
    sort_order,
    cast(min(sort_order) over (partition by pipeline_stage) as bigint) as pipeline_sort_order,
    is_closed,
    is_won,
    forecast_category,
    probability,
    master_label,
    is_active
from pipeline_members
