{{ config(
    materialized='incremental',
    incremental_strategy='append',
    indexes=deal_key_index(),
    schema='warehouse',
    full_refresh=false,
    on_schema_change='append_new_columns',
    contract={'enforced': true}
) }}
-- Retention's memory: every opportunity ever imported, and when (first_imported_at = the run
-- that first imported it). Append-only and never rebuilt (full_refresh=false); only a purge
-- removes a row. Analysts find it in the schema `warehouse`, beside the deals it explains.
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
