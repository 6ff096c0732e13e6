{{ config(materialized='table') }}
-- depends_on: {{ source('salesforce', 'opportunity_stage') }}
-- Built from the settings alone, but it maps the org's opportunity stages: the
-- dependency makes a backfill build it after the extraction, never before.
-- The stage_mapping from the settings (var stage_mapping: Salesforce StageName -> pipeline
-- stage); empty when the settings have none, in which case every active stage maps to itself.
{%- set mapping = var('stage_mapping') or {} %}
{%- if mapping | length == 0 %}
select cast(null as varchar) as stage_name, cast(null as varchar) as pipeline_stage
where 1 = 0
{%- else %}
select cast(stage_name as varchar) as stage_name, cast(pipeline_stage as varchar) as pipeline_stage
from (values
{%- for stage, pipeline in mapping.items() %}
    ({{ sql_text(stage) }}, {{ sql_text(pipeline | trim) }}){% if not loop.last %},{% endif %}
{%- endfor %}
) as given (stage_name, pipeline_stage)
{%- endif %}
