{%- set columns = {
        'name': 'varchar',
        'stage_name': 'varchar',
        'amount': 'double precision',
        'probability': 'double precision',
        'is_closed': 'boolean',
        'is_won': 'boolean',
        'owner_id': 'varchar',
        'last_stage_change_date': 'timestamp',
        'created_date': 'timestamp'
} -%}

with staged as (
    {{ staged_columns('opportunity_versions', columns, history=true) }}
)

select * from staged
