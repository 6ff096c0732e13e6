-- depends_on: {{ ref('int_deal_scope') }}
-- The import rules applied to every opportunity in this run's scope, before retention
-- (deal_classification adds it). One table because deal_imports and deal_classification both
-- read it.
with scoped_opportunities as (
    select o.*
    from {{ ref('stg_salesforce__opportunity') }} as o
    {{ in_scope('o', 'id') }}
    where not o.is_removed
),

salesforce_stages as (
    select api_name, coalesce(is_active, false) as is_active
    from {{ ref('stg_salesforce__opportunity_stage') }}
    where not is_removed
),

filter_modes as (
    select
        max(case when filter_name = 'record_type' then mode end) as record_type_mode,
        max(case when filter_name = 'opportunity_type' then mode end) as opportunity_type_mode,
        max(case when filter_name = 'stage' then mode end) as stage_mode
    from {{ ref('deal_filter_values') }}
),

record_type_values as (
    select distinct value from {{ ref('deal_filter_values') }} where filter_name = 'record_type'
),

opportunity_type_values as (
    select distinct value from {{ ref('deal_filter_values') }} where filter_name = 'opportunity_type'
),

stage_values as (
    select distinct value from {{ ref('deal_filter_values') }} where filter_name = 'stage'
),

custom_rule_failures as (
    {{ custom_rule_failures('scoped_opportunities') }}
),

custom_rule_labels as (
    select
        opportunity_id,
        string_agg(rule_name, ', ' order by rule_index) as failed_rules,
        string_agg(rule_label, ', ' order by rule_index) as failed_rule_labels
    from custom_rule_failures
    group by opportunity_id
),

rule_checks as (
    select
        o.id as opportunity_id,
        o.name as opportunity_name,
        o.owner_id,
        u.email_normalized as owner_email,
        o.stage_name,
        rt.developer_name as record_type,
        o.type as opportunity_type,
        o.system_modstamp,
        u.user_id is null as owner_unknown,
        u.licensed_email is null as owner_not_found,
        st.stage_name is null as stage_not_found,
        ss.api_name is not null as stage_exists,
        coalesce(ss.is_active, false) as stage_is_active,
        fm.record_type_mode,
        fm.opportunity_type_mode,
        fm.stage_mode,
        case fm.record_type_mode
            when 'include' then rtv.value is null
            when 'exclude' then rtv.value is not null
            else false
        end as fails_record_type,
        case fm.opportunity_type_mode
            when 'include' then otv.value is null
            when 'exclude' then otv.value is not null
            else false
        end as fails_opportunity_type,
        case fm.stage_mode
            when 'include' then sv.value is null
            when 'exclude' then sv.value is not null
            else false
        end as fails_stage,
        cr.failed_rules,
        cr.failed_rule_labels
    from scoped_opportunities as o
    cross join filter_modes as fm
    left join {{ ref('owners') }} as u on u.user_id = o.owner_id
    left join {{ ref('stages') }} as st on st.stage_name = o.stage_name
    left join salesforce_stages as ss on ss.api_name = o.stage_name
    left join {{ ref('stg_salesforce__record_type') }} as rt on rt.id = o.record_type_id
    left join record_type_values as rtv on rtv.value = rt.developer_name
    left join opportunity_type_values as otv on otv.value = o.type
    left join stage_values as sv on sv.value = o.stage_name
    left join custom_rule_labels as cr on cr.opportunity_id = o.id
),

reasons as (
    select
        *,
        (fails_record_type or fails_opportunity_type or fails_stage
         or failed_rules is not null) as filtered_out
    from rule_checks
),

explained as (
    select
        *,
        case when owner_not_found then concat('owner_not_found: ', case
            when owner_unknown then concat('owner ', coalesce(owner_id, '(none)'),
                                           ' is not a Salesforce user in staging.user')
            when coalesce(owner_email, '') = '' then concat('owner ', owner_id,
                                                            ' has no email in Salesforce')
            else concat('owner email "', owner_email,
                        '" matches no licensed user (add it to licensed_users)')
        end) end as owner_detail,
        case when stage_not_found then concat('stage_not_found: ', case
            when stage_name is null then 'the opportunity has no stage'
            when not stage_exists then concat('stage "', stage_name, '" is not a Salesforce ',
                                              'OpportunityStage (names are case-sensitive)')
            when not stage_is_active then concat(
                'stage "', stage_name, '" is inactive in Salesforce ',
                '(add it to stage_mapping to import its deals)')
            else concat('stage "', stage_name, '" is not in stage_mapping (add it, ',
                        'stage names are case-sensitive)')
        end) end as stage_detail,
        case when filtered_out then concat('filtered_out: ', concat_ws(', ',
            case when fails_record_type then concat('record_type "',
                coalesce(record_type, '(none)'), '" ', case record_type_mode
                    when 'include' then 'is not in filters.record_types.include'
                    else 'is in filters.record_types.exclude' end) end,
            case when fails_opportunity_type then concat('opportunity_type "',
                coalesce(opportunity_type, '(none)'), '" ', case opportunity_type_mode
                    when 'include' then 'is not in filters.opportunity_types.include'
                    else 'is in filters.opportunity_types.exclude' end) end,
            case when fails_stage then concat('stage "', coalesce(stage_name, '(none)'), '" ',
                case stage_mode
                    when 'include' then 'is not in filters.stages.include'
                    else 'is in filters.stages.exclude' end) end,
            failed_rule_labels)) end as filter_detail
    from reasons
)

select
    opportunity_id,
    opportunity_name,
    owner_id,
    owner_email,
    stage_name,
    record_type,
    opportunity_type,
    owner_not_found,
    stage_not_found,
    filtered_out,
    nullif(concat_ws(', ',
        case when fails_record_type then 'record_type' end,
        case when fails_opportunity_type then 'opportunity_type' end,
        case when fails_stage then 'stage' end,
        failed_rules), '') as failed_filters,
    nullif(concat_ws(',',
        case when owner_not_found then 'owner_not_found' end,
        case when stage_not_found then 'stage_not_found' end,
        case when filtered_out then 'filtered_out' end), '') as reasons,
    case
        when owner_not_found then 'owner_not_found'
        when stage_not_found then 'stage_not_found'
        when filtered_out then 'filtered_out'
    end as reason,
    nullif(concat_ws('; ', owner_detail, stage_detail, filter_detail), '') as detail,
    not (owner_not_found or stage_not_found or filtered_out) as passes_rules,
    system_modstamp
from explained
