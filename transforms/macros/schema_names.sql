{% macro generate_schema_name(custom_schema_name, node) -%}
{#- Models build in the target's schema (warehouse on DuckDB, warehouse_build on PostgreSQL);
    a model that names its own schema (deal_imports: state shared by every build) keeps it. -#}
{%- if custom_schema_name is none -%}
{{ target.schema }}
{%- else -%}
{{ custom_schema_name | trim }}
{%- endif -%}
{%- endmacro %}
