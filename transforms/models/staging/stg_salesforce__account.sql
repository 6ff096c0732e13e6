{%- set columns = {
        'name': 'varchar',
        'industry': 'varchar',
        'type': 'varchar',
        'owner_id': 'varchar'
} -%}

with staged as (
    {{ staged_columns('account', columns) }}
)

select * from staged
