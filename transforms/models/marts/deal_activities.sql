{{ config(
    materialized='incremental',
    incremental_strategy='deal_scope',
    unique_key='opportunity_id',
    indexes=deal_key_index(),
    on_schema_change='append_new_columns'
) }}
-- depends_on: {{ ref('int_deal_scope') }}
with email_linked_tasks as (
    select distinct activity_id
    from {{ ref('stg_salesforce__email_message') }}
    where not is_removed and activity_id is not null
),

tasks as (
    select
        t.id as activity_id,
        t.what_id as opportunity_id,
        'task' as activity_type,
        t.task_subtype as subtype,
        t.subject,
        t.status,
        t.priority,
        coalesce(t.is_closed, false) as is_closed,
        coalesce(t.task_subtype in ('Email', 'ListEmail'), false) as is_email,
        e.activity_id is not null as has_email_message,
        t.activity_date as due_date,
        cast(null as timestamp) as start_at,
        cast(null as timestamp) as end_at,
        t.completed_date_time as completed_at,
        case
            when coalesce(t.is_closed, false)
                then coalesce(cast(t.completed_date_time as date), t.activity_date)
            else t.activity_date
        end as activity_date,
        t.owner_id,
        t.who_id,
        t.created_date
    from {{ ref('stg_salesforce__task') }} as t
    inner join {{ ref('int_scoped_deals') }} as d
        on d.opportunity_id = t.what_id
    left join email_linked_tasks as e
        on e.activity_id = t.id
    where not t.is_removed
),

events as (
    select
        v.id as activity_id,
        v.what_id as opportunity_id,
        'event' as activity_type,
        v.event_subtype as subtype,
        v.subject,
        cast(null as varchar) as status,
        cast(null as varchar) as priority,
        coalesce(cast(coalesce(v.start_date_time, v.activity_date_time) as date), v.activity_date)
            <= cast({{ as_of() }} as date) as is_closed,
        false as is_email,
        false as has_email_message,
        cast(null as date) as due_date,
        coalesce(v.start_date_time, v.activity_date_time) as start_at,
        v.end_date_time as end_at,
        cast(null as timestamp) as completed_at,
        coalesce(cast(coalesce(v.start_date_time, v.activity_date_time) as date), v.activity_date)
            as activity_date,
        v.owner_id,
        v.who_id,
        v.created_date
    from {{ ref('stg_salesforce__event') }} as v
    inner join {{ ref('int_scoped_deals') }} as d
        on d.opportunity_id = v.what_id
    where not v.is_removed
),

activities as (
    select * from tasks
    union all
    select * from events
)

select
    a.activity_id,
    a.opportunity_id,
    a.activity_type,
    a.subtype,
    a.subject,
    a.status,
    a.priority,
    coalesce(a.is_closed, false) as is_closed,
    a.is_email,
    a.has_email_message,
    a.due_date,
    a.start_at,
    a.end_at,
    a.completed_at,
    a.activity_date,
    a.owner_id,
    u.name as owner_name,
    case when a.who_id like '003%' then a.who_id end as contact_id,
    a.created_date
from activities as a
left join {{ ref('owners') }} as u
    on u.user_id = a.owner_id
