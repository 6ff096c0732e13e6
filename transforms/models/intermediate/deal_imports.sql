{{ config(
    materialized='incremental',
    incremental_strategy='append',
    schema='warehouse',
    full_refresh=false,
    on_schema_change='fail',
    contract={'enforced': true}
) }}
-- Retention's memory: every opportunity ever imported, and when (first_imported_at = the run
-- that first imported it). Append-only and never rebuilt (full_refresh=false); only a purge
-- removes a row. It lives in the schema `warehouse` on both engines, outside PostgreSQL's
-- build/live swap, because every build shares it.
with passing as (
    select opportunity_id
    from {{ ref('int_opportunity_rules') }}
    where passes_rules
)

select
    cast(p.opportunity_id as varchar) as opportunity_id,
    {{ as_of() }} as first_imported_at
from passing as p
{%- if is_incremental() %}
where not exists (
    select 1 from {{ this }} as i where i.opportunity_id = p.opportunity_id
)
{%- endif %}
