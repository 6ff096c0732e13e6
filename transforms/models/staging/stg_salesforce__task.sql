{%- set columns = {
        'what_id': 'varchar',
        'who_id': 'varchar',
        'subject': 'varchar',
        'activity_date': 'date',
        'status': 'varchar',
        'priority': 'varchar',
        'is_closed': 'boolean',
        'owner_id': 'varchar',
        'task_subtype': 'varchar',
        'completed_date_time': 'timestamp',
        'created_date': 'timestamp'
} -%}

with staged as (
    {{ staged_columns('task', columns) }}
)

select * from staged
