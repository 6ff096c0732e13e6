{%- set columns = {
        'account_id': 'varchar',
        'name': 'varchar',
        'email': 'varchar',
        'title': 'varchar',
        'phone': 'varchar'
} -%}

with staged as (
    {{ staged_columns('contact', columns) }}
)

select * from staged
