{% macro staged_columns(table, columns, required=false, history=false) %}
{#- The staging layer: select `columns` ({name: type}) of staging.<table> so that every model
    can rely on them. Orgs differ: a column the org lacks reads as a typed null, and an object
    switched off (its table never created) reads as an empty result. Every row also carries
    id, system_modstamp, _extracted_at (when it was landed), _hard_deleted_at (not for the
    version history) and is_removed (soft or hard deleted). -#}
{%- set source_relation = source('salesforce', table) -%}
{%- set wanted = {'id': 'varchar', 'system_modstamp': 'timestamp'} -%}
{%- do wanted.update(columns) -%}
{%- do wanted.update({'_extracted_at': 'timestamp'}) -%}
{%- if not history -%}{%- do wanted.update({'_hard_deleted_at': 'timestamp'}) -%}{%- endif -%}
{%- set present = staged_column_types(source_relation) -%}
{%- if execute and not present and required -%}
  {{ exceptions.raise_compiler_error(
      "staging." ~ table ~ " does not exist: the deal warehouse needs User, OpportunityStage "
      ~ "and Opportunity extracted first (materialize the salesforce assets, e.g. run the "
      ~ "incremental_sync job)") }}
{%- endif -%}
{%- set filled = [] -%}
select
{%- for name, type in wanted.items() %}
    {% if name in present -%}
    {{ adapter.quote(name) }}
    {%- else -%}
    {%- if not name.startswith('_') %}{% do filled.append(name) %}{% endif -%}
    cast(null as {{ type }}) as {{ adapter.quote(name) }}
    {%- endif %},
{%- endfor %}
    {{ removed_flag(present, history) }} as is_removed
{%- if present %}
from {{ source_relation }}
{%- else %}
where 1 = 0
{%- endif %}
{%- if execute and filled and present -%}
  {%- do log("staging." ~ table ~ ": not in this org's staging, read as null: "
             ~ filled | join(", "), info=false) -%}
{%- endif -%}
{% endmacro %}


{% macro staged_column_types(relation) %}
{#- {column: type as the database reports it} of a relation; {} when it does not exist (and
    while dbt parses, when nothing is read from the database). -#}
{%- set found = {} -%}
{%- if execute and staged_relation_exists(relation) -%}
  {%- for column in adapter.get_columns_in_relation(relation) -%}
    {%- do found.update({column.name | lower: column.dtype}) -%}
  {%- endfor -%}
{%- endif -%}
{%- do return(found) -%}
{% endmacro %}


{% macro staged_relation_exists(relation) %}
{#- dbt caches only the schemas it builds into; it lists staging on first use, and marks the
    schema cached with its first relation. A model thread that looks while another is still
    filling the cache sees part of the list: a staged table that exists read as missing, and
    the run failed "staging.<table> does not exist" (PostgreSQL, two threads). So a miss is
    confirmed against the database, uncached. -#}
{%- if adapter.get_relation(relation.database, relation.schema, relation.identifier) -%}
  {%- do return(true) -%}
{%- endif -%}
{%- set listed = list_relations_without_caching(relation.without_identifier()) -%}
{%- do return(relation.identifier | lower in listed.columns['name'].values() | map('lower') | list) -%}
{% endmacro %}


{% macro removed_flag(present, history) %}
{#- Soft deletes (IsDeleted) and hard deletes (gone from Salesforce) both remove a record. -#}
{%- set deleted = 'coalesce(is_deleted, false)' if 'is_deleted' in present else 'false' -%}
{%- if history -%}
{{ deleted }}
{%- else -%}
({{ deleted }} or {{ '_hard_deleted_at is not null' if '_hard_deleted_at' in present else 'false' }})
{%- endif -%}
{% endmacro %}
