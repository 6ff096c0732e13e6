-- Model: deal_time_in_stage
-- Purpose: Time in stage per deal: how long each deal spent in each stage, over all its visits
--   to it, from deal_stage_history. The visit in progress counts up to the run (a closed deal's
--   final stage does not count), so the table is rebuilt whole on every run.
-- Grain: one row per deal and stage (opportunity_id, stage_name)
-- Materialization: table
-- Columns:
--   opportunity_id varchar: The deal.
--   stage_name varchar: Salesforce StageName.
--   pipeline_stage varchar: Its pipeline stage today, or null.
--   entries bigint: How many times the deal entered the stage.
--   first_entered_at timestamp: First entry.
--   last_exited_at timestamp: Last exit; null while the deal is in the stage.
--   is_current boolean: The deal is in this stage now.
--   days_in_stage double precision: Total days in the stage over every visit, the open visit up to
--     the run; null for the final stage of a closed deal.
select
    h.opportunity_id,
    h.stage_name,
    max(h.pipeline_stage) as pipeline_stage,
    cast(count(*) as bigint) as entries,
    min(h.entered_at) as first_entered_at,
    case when bool_or(h.is_current) then null else max(h.exited_at) end as last_exited_at,
    bool_or(h.is_current) as is_current,
    cast(sum(case
        when h.exited_at is not null then h.days_in_stage
        when not h.is_closed_stage
            then extract(epoch from (cast(:as_of as timestamp) - h.entered_at)) / 86400.0
    end) as double precision) as days_in_stage
from warehouse.deal_stage_history as h
group by h.opportunity_id, h.stage_name
