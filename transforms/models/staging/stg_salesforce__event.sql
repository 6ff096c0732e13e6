{%- set columns = {
        'what_id': 'varchar',
        'who_id': 'varchar',
        'subject': 'varchar',
        'activity_date': 'date',
        'activity_date_time': 'timestamp',
        'start_date_time': 'timestamp',
        'end_date_time': 'timestamp',
        'duration_in_minutes': 'bigint',
        'owner_id': 'varchar',
        'event_subtype': 'varchar',
        'location': 'varchar',
        'created_date': 'timestamp'
} -%}

with staged as (
    {{ staged_columns('event', columns) }}
)

select * from staged
