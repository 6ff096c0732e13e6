-- Model: deal_stage_history
-- Purpose: Every stage a deal has been seen in, built from the version history extraction
--   keeps (staging.opportunity_versions), so it works without Salesforce field-history
--   tracking. A version whose StageName differs from the one before is a stage change; one
--   whose LastStageChangeDate moved on while the stage stayed the same is a re-entry (the deal
--   left and came back between two extractions). Entry times come from LastStageChangeDate
--   when Salesforce sends it, else from SystemModstamp. Changes made and undone between two
--   extractions (A -> B -> C seen as A -> C) cannot be seen.
-- Grain: one row per deal and stage entry (opportunity_id, entry_number)
-- Materialization: incremental
-- Columns:
--   opportunity_id varchar: The deal.
--   entry_number bigint: 1 for the first stage seen, then one more per change.
--   stage_name varchar: Salesforce StageName entered.
--   pipeline_stage varchar: Its pipeline stage today, or null when it is not in the pipeline.
--   from_stage_name varchar: The stage before; null for the first entry.
--   entered_at timestamp: When the deal entered the stage.
--   exited_at timestamp: When it entered the next stage; null for the current stage.
--   is_current boolean: The deal is in this stage now.
--   is_closed_stage boolean: The stage is a closed one (won or lost).
--   days_in_stage double precision: Days from entry to exit; null for the visit in progress
--     (deal_time_in_stage has its start).
--   source varchar: first_seen (the stage at the first extraction) | change (seen changing).
--   observed_at timestamp: SystemModstamp of the version the entry was seen in.
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
    from src_opportunity_versions as v
    inner join scoped_deals as d
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
left join warehouse.stages as st
    on st.stage_name = s.stage_name
