{% macro custom_rule_failures(opportunities) %}
{#- One row per (opportunity, custom-field rule it fails) among `opportunities` (a CTE with the
    staged opportunity columns): opportunity_id, rule_index, rule_name, rule_label. The rules
    are var custom_field_rules (filters.custom_fields in dealsync.yaml); each compares one
    staged Opportunity column, typed by how staging stores it. -#}
{%- set rules = var('custom_field_rules') or [] -%}
{%- set staged = staged_column_types(source('salesforce', 'opportunity')) -%}
{%- if rules | length == 0 or not execute -%}
select cast(null as varchar) as opportunity_id, cast(null as bigint) as rule_index,
       cast(null as varchar) as rule_name, cast(null as varchar) as rule_label
where 1 = 0
{%- else -%}
{%- for rule in rules -%}
{%- set index = loop.index0 -%}
{%- set column = rule.get('column') or rule['field'] | lower -%}
{%- if column not in staged -%}
  {{ exceptions.raise_compiler_error(
      "filters.custom_fields." ~ index ~ ".field: Opportunity." ~ rule['field']
      ~ " is not in staging.opportunity; check the API name (case matters in the settings), "
      ~ "add it to objects.Opportunity.fields and extract again") }}
{%- endif %}
select
    o.id as opportunity_id,
    cast({{ index }} as bigint) as rule_index,
    cast('custom_fields[{{ index }}]' as varchar) as rule_name,
    cast({{ sql_text('custom_fields[' ~ index ~ '] (' ~ rule_label(rule) ~ ')') }} as varchar) as rule_label
from {{ opportunities }} as o
where not ({{ rule_passes(rule, index, 'o.' ~ adapter.quote(column), canonical_type(staged[column])) }})
{% if not loop.last %}union all
{% endif -%}
{%- endfor -%}
{%- endif -%}
{% endmacro %}


{% macro rule_passes(rule, index, column_sql, storage) %}
{#- SQL that is true when the opportunity passes the rule. Text is compared as text (lower-
    cased on both sides with ignore_case); numbers and booleans as themselves. A null value
    fails equals and contains, and passes not_equals and not_contains. -#}
{%- set operator = rule['operator'] -%}
{%- if storage in ('bigint', 'double precision', 'boolean') -%}
  {%- if operator in ('contains', 'not_contains') -%}
    {{ exceptions.raise_compiler_error("filters.custom_fields." ~ index ~ ".operator: "
        ~ rule['field'] ~ " is a " ~ storage ~ " field; use equals or not_equals") }}
  {%- endif -%}
  {%- set subject = column_sql -%}
  {%- set bound = typed_rule_value(rule, index, storage) -%}
{%- else -%}
  {%- set subject = 'cast(' ~ column_sql ~ ' as varchar)' -%}
  {%- set bound = sql_text(rule['value']) -%}
  {%- if rule.get('ignore_case') -%}
    {%- set subject = 'lower(' ~ subject ~ ')' -%}
    {%- set bound = 'lower(' ~ bound ~ ')' -%}
  {%- endif -%}
{%- endif -%}
{%- if operator == 'equals' -%}
coalesce({{ subject }} = {{ bound }}, false)
{%- elif operator == 'not_equals' -%}
{{ subject }} is distinct from {{ bound }}
{%- elif operator == 'contains' -%}
coalesce(strpos({{ subject }}, {{ bound }}) > 0, false)
{%- elif operator == 'not_contains' -%}
coalesce(strpos({{ subject }}, {{ bound }}) = 0, true)
{%- else -%}
  {{ exceptions.raise_compiler_error("filters.custom_fields." ~ index ~ ".operator: "
      ~ operator ~ " is not one of equals, not_equals, contains, not_contains") }}
{%- endif -%}
{% endmacro %}


{% macro typed_rule_value(rule, index, storage) %}
{#- The rule's value as a boolean or number literal, or a compile error naming the setting. -#}
{%- set value = rule['value'] -%}
{%- set text = value | string | lower -%}
{%- if storage == 'boolean' and text in ('true', 'false') -%}
  {%- do return(text) -%}
{%- elif storage != 'boolean' and value is not sameas true and value is not sameas false
        and modules.re.match('^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$', text) -%}
  {%- do return('cast(' ~ text ~ ' as double precision)') -%}
{%- endif -%}
{{ exceptions.raise_compiler_error("filters.custom_fields." ~ index ~ ".value: " ~ rule['field']
    ~ " is a " ~ storage ~ " field; " ~ value ~ " is not a "
    ~ ('true/false' if storage == 'boolean' else 'number')) }}
{% endmacro %}


{% macro rule_label(rule) %}
{#- How skips name a rule: Region__c equals 'EMEA' (ignoring case). -#}
{%- set value = rule['value'] -%}
{%- set shown = "'" ~ value ~ "'" if value is string else (value | string) -%}
{%- if value is sameas true %}{% set shown = 'True' %}{% elif value is sameas false %}{% set shown = 'False' %}{% endif -%}
{{ rule['field'] }} {{ rule['operator'] }} {{ shown }}{{ ' (ignoring case)' if rule.get('ignore_case') else '' }}
{%- endmacro %}


{% macro canonical_type(reported) %}
{#- How DuckDB and PostgreSQL name a type -> the warehouse's six type names. -#}
{%- set name = reported | lower -%}
{%- if name in ('boolean', 'bool') -%}{%- do return('boolean') -%}
{%- elif name in ('bigint', 'integer', 'int', 'int8', 'int4', 'smallint', 'hugeint') -%}{%- do return('bigint') -%}
{%- elif name in ('double', 'double precision', 'float8', 'float', 'real', 'float4') or name.startswith('numeric') or name.startswith('decimal') -%}{%- do return('double precision') -%}
{%- elif name == 'date' -%}{%- do return('date') -%}
{%- elif name.startswith('timestamp') -%}{%- do return('timestamp') -%}
{%- else -%}{%- do return('varchar') -%}
{%- endif -%}
{% endmacro %}
