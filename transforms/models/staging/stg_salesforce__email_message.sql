{%- set columns = {
        'related_to_id': 'varchar',
        'activity_id': 'varchar',
        'subject': 'varchar',
        'from_name': 'varchar',
        'from_address': 'varchar',
        'to_address': 'varchar',
        'cc_address': 'varchar',
        'incoming': 'boolean',
        'status': 'varchar',
        'message_date': 'timestamp',
        'created_date': 'timestamp'
} -%}

with staged as (
    {{ staged_columns('email_message', columns) }}
)

select * from staged
