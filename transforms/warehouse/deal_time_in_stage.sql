-- Model: deal_time_in_stage
-- Purpose: Time in stage per deal: how long each deal spent in each stage over all its visits
--   to it, from deal_stage_history. Finished visits are summed in days_in_finished_visits; for
--   the stage a deal is in now, current_visit_started_at says since when, so the time so far is
--   days_in_finished_visits + (now - current_visit_started_at). Storing that instead of a
--   running total keeps the table incremental: only changed deals are rebuilt.
-- Grain: one row per deal and stage (opportunity_id, stage_name)
-- Materialization: incremental
-- Columns:
--   opportunity_id varchar: The deal.
--   stage_name varchar: Salesforce StageName.
--   pipeline_stage varchar: Its pipeline stage today, or null.
--   entries bigint: How many times the deal entered the stage.
--   first_entered_at timestamp: First entry.
--   last_exited_at timestamp: Last exit; null while the deal is in the stage.
--   is_current boolean: The deal is in this stage now.
--   days_in_finished_visits double precision: Days in the stage over every visit that has
--     ended; 0 when the only visit is the current one.
--   current_visit_started_at timestamp: Start of the visit in progress; null when the deal is
--     not in the stage, or it is the final stage of a closed deal.
select
    h.opportunity_id,
    h.stage_name,
    max(h.pipeline_stage) as pipeline_stage,
    cast(count(*) as bigint) as entries,
    min(h.entered_at) as first_entered_at,
    case when bool_or(h.is_current) then null else max(h.exited_at) end as last_exited_at,
    bool_or(h.is_current) as is_current,
    cast(coalesce(sum(h.days_in_stage), 0) as double precision) as days_in_finished_visits,
    max(case when h.is_current and not h.is_closed_stage then h.entered_at end)
        as current_visit_started_at
from warehouse.deal_stage_history as h
inner join deal_scope as s
    on s.opportunity_id = h.opportunity_id
group by h.opportunity_id, h.stage_name
