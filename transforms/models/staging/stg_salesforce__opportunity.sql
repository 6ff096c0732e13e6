{%- set columns = {
        'account_id': 'varchar',
        'record_type_id': 'varchar',
        'name': 'varchar',
        'stage_name': 'varchar',
        'amount': 'double precision',
        'probability': 'double precision',
        'close_date': 'date',
        'type': 'varchar',
        'next_step': 'varchar',
        'lead_source': 'varchar',
        'is_closed': 'boolean',
        'is_won': 'boolean',
        'forecast_category': 'varchar',
        'forecast_category_name': 'varchar',
        'owner_id': 'varchar',
        'last_stage_change_date': 'timestamp',
        'created_date': 'timestamp',
        'last_modified_date': 'timestamp'
} -%}
{%- for rule in var('custom_field_rules') or [] -%}
    {%- do columns.setdefault(rule.get('column') or rule['field'] | lower, 'varchar') -%}
{%- endfor %}

with staged as (
    {{ staged_columns('opportunity', columns, required=true) }}
)

select * from staged
