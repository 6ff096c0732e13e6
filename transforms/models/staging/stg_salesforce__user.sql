{%- set columns = {
        'name': 'varchar',
        'email': 'varchar',
        'is_active': 'boolean',
        'title': 'varchar',
        'department': 'varchar',
        'manager_id': 'varchar'
} -%}

with staged as (
    {{ staged_columns('user', columns, required=true) }}
)

select * from staged
