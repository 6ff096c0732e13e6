with owned_deals as (
    select
        owner_id,
        is_closed,
        is_won,
        coalesce(amount, 0) as amount,
        coalesce(amount, 0) * coalesce(probability, 0) / 100.0 as weighted_amount,
        close_date,
        cast(created_date as date) as created_day
    from {{ ref('deals') }}
),

periods as (
    select
        cast(date_trunc('month', {{ as_of() }}) as date) as month_start,
        cast(date_trunc('quarter', {{ as_of() }}) as date) as quarter_start
),

totals as (
    select
        d.owner_id,
        count(*) as deals,
        count(*) filter (where not d.is_closed) as open_deals,
        sum(d.amount) filter (where not d.is_closed) as open_amount,
        sum(d.weighted_amount) filter (where not d.is_closed) as weighted_pipeline,
        count(*) filter (where d.is_won) as won_deals,
        sum(d.amount) filter (where d.is_won) as won_amount,
        count(*) filter (where d.is_closed and not d.is_won) as lost_deals,
        sum(d.amount) filter (where d.is_closed and not d.is_won) as lost_amount,
        max(d.amount) filter (where d.is_won) as largest_won_amount,
        avg(cast(d.close_date - d.created_day as double precision))
            filter (where d.is_won) as average_days_to_close,
        sum(d.amount) filter (where d.is_won and d.close_date >= p.month_start)
            as won_amount_this_month,
        sum(d.amount) filter (where d.is_won and d.close_date >= p.quarter_start)
            as won_amount_this_quarter
    from owned_deals as d
    cross join periods as p
    group by d.owner_id
),

-- Sums are rounded to cents (ratios to 6 places) through numeric, so both engines agree to the
-- last digit whatever order they add in.
rounded as (
    select
        owner_id,
        deals,
        open_deals,
        won_deals,
        lost_deals,
        round(cast(coalesce(open_amount, 0) as numeric(38, 6)), 2) as open_amount,
        round(cast(coalesce(weighted_pipeline, 0) as numeric(38, 6)), 2) as weighted_pipeline,
        round(cast(coalesce(won_amount, 0) as numeric(38, 6)), 2) as won_amount,
        round(cast(coalesce(lost_amount, 0) as numeric(38, 6)), 2) as lost_amount,
        round(cast(won_amount / nullif(won_deals, 0) as numeric(38, 6)), 2) as average_won_amount,
        largest_won_amount,
        round(cast(average_days_to_close as numeric(38, 6)), 2) as average_days_to_close,
        round(cast(coalesce(won_amount_this_month, 0) as numeric(38, 6)), 2)
            as won_amount_this_month,
        round(cast(coalesce(won_amount_this_quarter, 0) as numeric(38, 6)), 2)
            as won_amount_this_quarter
    from totals
)

select
    t.owner_id,
    u.name as owner_name,
    u.email as owner_email,
    coalesce(u.owner_status, 'unlicensed') as owner_status,
    cast(t.deals as bigint) as deals,
    cast(t.open_deals as bigint) as open_deals,
    cast(t.open_amount as double precision) as open_amount,
    cast(t.weighted_pipeline as double precision) as weighted_pipeline,
    cast(t.won_deals as bigint) as won_deals,
    cast(t.won_amount as double precision) as won_amount,
    cast(t.lost_deals as bigint) as lost_deals,
    cast(t.lost_amount as double precision) as lost_amount,
    cast(t.won_deals as double precision) / nullif(t.won_deals + t.lost_deals, 0) as win_rate,
    cast(round(t.won_amount / nullif(t.won_amount + t.lost_amount, 0), 6) as double precision)
        as win_rate_by_amount,
    cast(t.average_won_amount as double precision) as average_won_amount,
    cast(t.largest_won_amount as double precision) as largest_won_amount,
    cast(t.average_days_to_close as double precision) as average_days_to_close,
    cast(t.won_amount_this_month as double precision) as won_amount_this_month,
    cast(t.won_amount_this_quarter as double precision) as won_amount_this_quarter
from rounded as t
left join {{ ref('owners') }} as u
    on u.user_id = t.owner_id
