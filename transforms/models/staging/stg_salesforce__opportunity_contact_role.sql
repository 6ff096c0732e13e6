{%- set columns = {
        'opportunity_id': 'varchar',
        'contact_id': 'varchar',
        'role': 'varchar',
        'is_primary': 'boolean',
        'created_date': 'timestamp'
} -%}

with staged as (
    {{ staged_columns('opportunity_contact_role', columns) }}
)

select * from staged
