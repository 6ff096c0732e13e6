{%- set columns = {
        'api_name': 'varchar',
        'master_label': 'varchar',
        'is_active': 'boolean',
        'sort_order': 'bigint',
        'is_closed': 'boolean',
        'is_won': 'boolean',
        'forecast_category': 'varchar',
        'forecast_category_name': 'varchar',
        'default_probability': 'double precision'
} -%}

with staged as (
    {{ staged_columns('opportunity_stage', columns, required=true) }}
)

select * from staged
