{{ config(
    materialized='incremental',
    incremental_strategy='deal_scope',
    unique_key='opportunity_id',
    indexes=deal_key_index(),
    on_schema_change='append_new_columns'
) }}
-- depends_on: {{ ref('int_deal_scope') }}
with live_roles as (
    select *
    from {{ ref('stg_salesforce__opportunity_contact_role') }}
    where not is_removed
),

live_contacts as (
    select *
    from {{ ref('stg_salesforce__contact') }}
    where not is_removed
)

select
    r.id as contact_role_id,
    r.opportunity_id,
    r.contact_id,
    r.role,
    coalesce(r.is_primary, false) as is_primary,
    c.name as contact_name,
    c.email as contact_email,
    c.title as contact_title,
    c.phone as contact_phone,
    c.account_id as contact_account_id,
    r.created_date
from live_roles as r
inner join {{ ref('int_scoped_deals') }} as d
    on d.opportunity_id = r.opportunity_id
inner join live_contacts as c
    on c.id = r.contact_id
