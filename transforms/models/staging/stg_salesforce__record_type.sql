{%- set columns = {
        'name': 'varchar',
        'developer_name': 'varchar',
        'sobject_type': 'varchar',
        'is_active': 'boolean'
} -%}

with staged as (
    {{ staged_columns('record_type', columns) }}
)

select * from staged
