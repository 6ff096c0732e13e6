{{ config(
    materialized='incremental',
    incremental_strategy='deal_scope',
    unique_key='opportunity_id',
    indexes=deal_key_index()
) }}
-- depends_on: {{ ref('int_deal_scope') }}
-- deals and deal_skips in one table: each classified opportunity's row with the deal's facts
-- (is_deal) or why it is skipped (the skip_ columns). The views `deals` and `deal_skips` split
-- it, so both change in the one transaction that replaces this table's rows: a reader never
-- sees an opportunity in both or in neither, on either engine.
with classified_deals as (
    select c.*
    from {{ ref('deal_classification') }} as c
    inner join {{ ref('int_scoped_deals') }} as s
        on s.opportunity_id = c.opportunity_id
),

primary_contacts as (
    select opportunity_id, contact_id, contact_name, contact_email
    from (
        select
            dc.*,
            row_number() over (
                partition by dc.opportunity_id order by dc.created_date, dc.contact_role_id
            ) as primary_rank
        from {{ ref('deal_contacts') }} as dc
        inner join classified_deals as d on d.opportunity_id = dc.opportunity_id
        where dc.is_primary
    ) as ranked
    where primary_rank = 1
),

contact_counts as (
    select dc.opportunity_id, count(distinct dc.contact_id) as contact_count
    from {{ ref('deal_contacts') }} as dc
    inner join classified_deals as d on d.opportunity_id = dc.opportunity_id
    group by dc.opportunity_id
),

activity_summary as (
    select
        a.opportunity_id,
        count(*) as activity_count,
        count(*) filter (where a.is_email and not a.has_email_message) as email_tasks,
        max(a.activity_date) filter (where a.is_closed) as last_activity_date
    from {{ ref('deal_activities') }} as a
    inner join classified_deals as d on d.opportunity_id = a.opportunity_id
    group by a.opportunity_id
),

email_summary as (
    select
        e.opportunity_id,
        count(*) as email_count,
        max(cast(e.message_date as date))
            filter (where cast(e.message_date as date) <= cast({{ as_of() }} as date)) as last_email_date
    from {{ ref('deal_emails') }} as e
    inner join classified_deals as d on d.opportunity_id = e.opportunity_id
    group by e.opportunity_id
),

deal_rows as (
    select
        d.opportunity_id,
        o.name as opportunity_name,
        o.account_id,
        a.name as account_name,
        o.owner_id,
        u.name as owner_name,
        u.email as owner_email,
        u.licensed_email,
        coalesce(u.owner_status, 'unlicensed') as owner_status,
        o.stage_name,
        st.pipeline_stage,
        st.pipeline_sort_order,
        coalesce(o.is_closed, st.is_closed, false) as is_closed,
        coalesce(o.is_won, st.is_won, false) as is_won,
        o.amount,
        o.close_date,
        o.type as opportunity_type,
        d.record_type,
        o.next_step,
        o.probability,
        o.forecast_category,
        o.lead_source,
        pc.contact_id as primary_contact_id,
        pc.contact_name as primary_contact_name,
        pc.contact_email as primary_contact_email,
        cast(coalesce(cc.contact_count, 0) as bigint) as contact_count,
        case
            when acts.last_activity_date is null then em.last_email_date
            when em.last_email_date is null then acts.last_activity_date
            when acts.last_activity_date >= em.last_email_date then acts.last_activity_date
            else em.last_email_date
        end as last_activity_date,
        cast(coalesce(em.email_count, 0) + coalesce(acts.email_tasks, 0) as bigint) as email_count,
        cast(coalesce(acts.activity_count, 0) as bigint) as activity_count,
        o.last_stage_change_date,
        o.created_date,
        o.last_modified_date,
        o.system_modstamp,
        di.first_imported_at,
        not d.passes_rules as is_retained,
        case when not d.passes_rules then d.reasons end as retained_reasons
    from classified_deals as d
    inner join {{ ref('stg_salesforce__opportunity') }} as o on o.id = d.opportunity_id
    inner join {{ ref('deal_imports') }} as di on di.opportunity_id = d.opportunity_id
    left join {{ ref('stg_salesforce__account') }} as a on a.id = o.account_id and not a.is_removed
    left join {{ ref('owners') }} as u on u.user_id = o.owner_id
    left join {{ ref('stages') }} as st on st.stage_name = o.stage_name
    left join primary_contacts as pc on pc.opportunity_id = d.opportunity_id
    left join contact_counts as cc on cc.opportunity_id = d.opportunity_id
    left join activity_summary as acts on acts.opportunity_id = d.opportunity_id
    left join email_summary as em on em.opportunity_id = d.opportunity_id
),

classified as (
    select c.*
    from {{ ref('deal_classification') }} as c
    {{ in_scope('c') }}
)

select
    c.opportunity_id,
    c.is_deal,
    dr.opportunity_name,
    dr.account_id,
    dr.account_name,
    dr.owner_id,
    dr.owner_name,
    dr.owner_email,
    dr.licensed_email,
    dr.owner_status,
    dr.stage_name,
    dr.pipeline_stage,
    dr.pipeline_sort_order,
    dr.is_closed,
    dr.is_won,
    dr.amount,
    dr.close_date,
    dr.opportunity_type,
    dr.record_type,
    dr.next_step,
    dr.probability,
    dr.forecast_category,
    dr.lead_source,
    dr.primary_contact_id,
    dr.primary_contact_name,
    dr.primary_contact_email,
    dr.contact_count,
    dr.last_activity_date,
    dr.email_count,
    dr.activity_count,
    dr.last_stage_change_date,
    dr.created_date,
    dr.last_modified_date,
    dr.system_modstamp,
    dr.first_imported_at,
    dr.is_retained,
    dr.retained_reasons,
    case when not c.is_deal then c.opportunity_name end as skip_opportunity_name,
    case when not c.is_deal then c.owner_id end as skip_owner_id,
    case when not c.is_deal then c.owner_email end as skip_owner_email,
    case when not c.is_deal then c.stage_name end as skip_stage_name,
    case when not c.is_deal then c.reason end as skip_reason,
    case when not c.is_deal then c.reasons end as skip_reasons,
    case when not c.is_deal then c.failed_filters end as skip_failed_filters,
    case when not c.is_deal then c.detail end as skip_detail,
    case when not c.is_deal then c.system_modstamp end as skip_system_modstamp
from classified as c
left join deal_rows as dr
    on dr.opportunity_id = c.opportunity_id
