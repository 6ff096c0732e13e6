{{ config(materialized='table') }}
-- depends_on: {{ source('salesforce', 'opportunity') }}
-- Built from the settings alone, but it filters opportunities: the dependency makes
-- a backfill build it after the extraction, never before.
-- The include/exclude filters from the settings (var filters: record_type, opportunity_type,
-- stage), one value per row.
{%- set rows = [] %}
{%- for name, spec in (var('filters') or {}).items() %}
    {%- for value in spec['values'] | unique %}
        {%- do rows.append([name, spec['mode'], value]) %}
    {%- endfor %}
{%- endfor %}
{%- if rows | length == 0 %}
select cast(null as varchar) as filter_name, cast(null as varchar) as mode,
       cast(null as varchar) as value
where 1 = 0
{%- else %}
select cast(filter_name as varchar) as filter_name, cast(mode as varchar) as mode,
       cast(value as varchar) as value
from (values
{%- for row in rows %}
    ({{ sql_text(row[0]) }}, {{ sql_text(row[1]) }}, {{ sql_text(row[2]) }}){% if not loop.last %},{% endif %}
{%- endfor %}
) as given (filter_name, mode, value)
{%- endif %}
