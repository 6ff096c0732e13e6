{% macro as_of() %}
{#- The instant the run is "as of", a timestamp literal (var as_of; default: now, UTC). -#}
{%- set value = var('as_of') or run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') -%}
cast({{ sql_text(value | replace('T', ' ')) }} as timestamp)
{%- endmacro %}


{% macro previous_as_of() %}
{%- set value = var('previous_as_of') or var('as_of') or run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') -%}
cast({{ sql_text(value | replace('T', ' ')) }} as timestamp)
{%- endmacro %}


{% macro changed_since() %}
{#- Staging rows landed at or after this instant are changes (var since). -#}
cast({{ sql_text(var('since') | replace('T', ' ')) }} as timestamp)
{%- endmacro %}


{% macro next_midnight(timestamp_sql) %}
{#- The first instant of the day after `timestamp_sql`. -#}
cast(cast({{ timestamp_sql }} as date) + 1 as timestamp)
{%- endmacro %}


{% macro is_scoped_run() %}
{#- True when only the changed opportunities are rebuilt (var since is set). -#}
{%- do return(var('since') is not none and not flags.FULL_REFRESH) -%}
{% endmacro %}


{% macro sql_text(value) %}
{#- A string as a SQL literal: quotes doubled, so no setting can break out of it. -#}
'{{ value | string | replace("'", "''") }}'
{%- endmacro %}


{% macro text_values(column_name, values) %}
{#- A one-column relation of text values, empty when `values` is. -#}
{%- if values | length == 0 -%}
select cast(null as varchar) as {{ column_name }} where 1 = 0
{%- else -%}
select cast(v as varchar) as {{ column_name }}
from (values {% for value in values %}({{ sql_text(value) }}){% if not loop.last %}, {% endif %}{% endfor %}) as given (v)
{%- endif -%}
{%- endmacro %}
