{% test unique_combination(model, columns) %}
{#- No two rows share the values of `columns` (a table's compound key). -#}
select {{ columns | join(', ') }}, count(*) as rows_with_this_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
