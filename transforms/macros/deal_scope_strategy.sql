{% macro get_incremental_deal_scope_sql(arg_dict) %}
{#- incremental_strategy='deal_scope': delete+insert on the deal key, where the delete covers
    every opportunity in this run's scope (int_deal_scope), not only those the new rows name.
    So a deal that became a skip leaves `deals`, and a deleted opportunity leaves every table. -#}
{%- set target = arg_dict['target_relation'] -%}
{%- set new_rows = arg_dict['temp_relation'] -%}
{%- set key = arg_dict['unique_key'] -%}
{%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
{%- if is_scoped_run() %}
delete from {{ target }}
where {{ key }} in (select opportunity_id from {{ ref('int_deal_scope') }});
{%- else %}
{#- A full rebuild in place: the table (and every view on it) stays; readers wait for the
    commit on PostgreSQL (truncate) and see the old rows until then on DuckDB. #}
{{ 'truncate table' if target.type == 'postgres' else 'delete from' }} {{ target }};
{%- endif %}

insert into {{ target }} ({{ columns }})
select {{ columns }}
from {{ new_rows }}
{% endmacro %}


{% macro in_scope(alias, key='opportunity_id') %}
{#- On an incremental run, keep the rows of opportunities in this run's scope (a join the
    models add; a full rebuild keeps every row). Models that call it also declare
    `-- depends_on: {{ ref('int_deal_scope') }}`, since a full rebuild never calls ref. -#}
{%- if is_scoped_run() -%}
inner join {{ ref('int_deal_scope') }} as run_scope
    on run_scope.opportunity_id = {{ alias }}.{{ key }}
{%- endif -%}
{% endmacro %}


{% macro get_where_subquery(relation) -%}
{#- dbt tests of the incremental deal models check only the rows this run rebuilt (the rest
    were checked when they were built); a full rebuild checks every row. -#}
{%- set where = config.get('where') -%}
{%- set scoped = relation.identifier in ('deal_classification', 'deal_contacts', 'deal_activities', 'deal_emails', 'deal_stage_history', 'deal_time_in_stage', 'int_deal_placement', 'deals', 'deal_skips') and is_scoped_run() -%}
{%- if where or scoped -%}
(select * from {{ relation }}
 where {{ where or 'true' }}
 {%- if scoped %} and opportunity_id in (select opportunity_id from {{ api.Relation.create(database=relation.database, schema='warehouse_internal', identifier='int_deal_scope') }}){% endif %}
) as dbt_subquery
{%- else -%}
{{ relation }}
{%- endif -%}
{%- endmacro %}


{% macro deal_key_index() %}
{#- PostgreSQL: an index on the deal key, so an incremental run's delete finds the changed
    deals' rows without scanning millions (DuckDB scans fast, and its indexes slow bulk
    loads). -#}
{%- do return([{'columns': ['opportunity_id']}] if target.type == 'postgres' else []) -%}
{% endmacro %}
