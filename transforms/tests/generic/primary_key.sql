{% test primary_key(model, columns) %}
{#- The columns identify a row: none of them is null and no two rows share their values
    (unique and not_null in one scan, so a tick pays for one test per key). -#}
select {{ columns | join(', ') }}, count(*) as rows_with_this_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{%- for column in columns %}
    or {{ column }} is null
{%- endfor %}
{% endtest %}
