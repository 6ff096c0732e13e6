with deal_versions as (
    select
        v.id as opportunity_id,
        v.owner_id,
        v.stage_name,
        coalesce(v.amount, 0) as amount,
        coalesce(v.amount, 0) * coalesce(v.probability, 0) / 100.0 as weighted_amount,
        coalesce(v.is_closed, false) or v.is_removed as is_out,
        case
            when row_number() over (partition by v.id order by v.system_modstamp) = 1
                 and v.created_date < v.system_modstamp then v.created_date
            else v.system_modstamp
        end as valid_from,
        lead(v.system_modstamp) over (partition by v.id order by v.system_modstamp) as valid_to
    from {{ ref('stg_salesforce__opportunity_versions') }} as v
    inner join {{ ref('deals') }} as d
        on d.opportunity_id = v.id
),

horizon as (
    select
        cast({{ as_of() }} as date) as last_day,
        case
            when cast(min(_extracted_at) as date) > cast({{ as_of() }} as date) - ({{ var('pipeline_daily_days') }} - 1)
                then cast(min(_extracted_at) as date)
            else cast({{ as_of() }} as date) - ({{ var('pipeline_daily_days') }} - 1)
        end as first_day
    from {{ ref('stg_salesforce__opportunity_versions') }}
),

open_periods as (
    select
        dv.owner_id,
        coalesce(st.pipeline_stage, '(not in pipeline)') as pipeline_stage,
        dv.amount,
        dv.weighted_amount,
        case when cast(dv.valid_from as date) < h.first_day then h.first_day
             else cast(dv.valid_from as date) end as from_day,
        case when cast(dv.valid_to as date) < h.first_day then h.first_day
             else cast(dv.valid_to as date) end as to_day
    from deal_versions as dv
    cross join horizon as h
    left join {{ ref('stages') }} as st
        on st.stage_name = dv.stage_name
    where not dv.is_out
),

changes as (
    select from_day as day, owner_id, pipeline_stage,
           1 as deals, amount, weighted_amount
    from open_periods
    union all
    select to_day as day, owner_id, pipeline_stage,
           -1 as deals, -amount as amount, -weighted_amount as weighted_amount
    from open_periods
    where to_day is not null
),

daily_changes as (
    select day, owner_id, pipeline_stage,
           sum(deals) as deals, sum(amount) as amount, sum(weighted_amount) as weighted_amount
    from changes
    group by day, owner_id, pipeline_stage
),

days as (
    select cast(g.day as date) as day
    from horizon as h
    cross join generate_series(cast(h.first_day as timestamp), cast(h.last_day as timestamp),
                               interval '1 day') as g(day)
),

owner_stages as (
    select distinct owner_id, pipeline_stage from daily_changes
),

running_totals as (
    select
        d.day,
        os.owner_id,
        os.pipeline_stage,
        sum(coalesce(c.deals, 0)) over w as open_deals,
        sum(coalesce(c.amount, 0)) over w as open_amount,
        sum(coalesce(c.weighted_amount, 0)) over w as weighted_amount
    from owner_stages as os
    cross join days as d
    left join daily_changes as c
        on c.owner_id is not distinct from os.owner_id
       and c.pipeline_stage = os.pipeline_stage
       and c.day = d.day
    window w as (partition by os.owner_id, os.pipeline_stage order by d.day
                 rows between unbounded preceding and current row)
)

select
    r.day as snapshot_date,
    r.owner_id,
    u.name as owner_name,
    r.pipeline_stage,
    cast(r.open_deals as bigint) as open_deals,
    cast(round(cast(r.open_amount as numeric(38, 6)), 2) as double precision) as open_amount,
    cast(round(cast(r.weighted_amount as numeric(38, 6)), 2) as double precision) as weighted_amount
from running_totals as r
left join {{ ref('owners') }} as u
    on u.user_id = r.owner_id
where r.open_deals > 0
