{{ config(materialized='ephemeral') }}
-- The owners as this run computes them: owners copies them into a table, int_changed_owners
-- compares them with the previous run's.
with salesforce_users as (
    select
        id as user_id,
        name,
        email,
        lower(regexp_replace(email, '^\s+|\s+$', '', 'g')) as email_normalized,
        coalesce(is_active, false) as is_active,
        title,
        department,
        manager_id
    from {{ ref('stg_salesforce__user') }}
    where not is_removed
),

licensed_emails as (
    select distinct email_normalized
    from {{ ref('licensed_users') }}
)

select
    u.user_id,
    u.name,
    u.email,
    u.email_normalized,
    u.is_active,
    l.email_normalized as licensed_email,
    case
        when l.email_normalized is null then 'unlicensed'
        when not u.is_active then 'inactive'
        else 'active'
    end as owner_status,
    u.title,
    u.department,
    u.manager_id
from salesforce_users as u
left join licensed_emails as l
    on l.email_normalized = u.email_normalized
