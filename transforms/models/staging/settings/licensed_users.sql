{{ config(materialized='table') }}
-- depends_on: {{ source('salesforce', 'user') }}
-- Built from the settings alone, but its emails are matched to Salesforce users: the
-- dependency makes a backfill build it after the extraction, never before.
-- The licensed users from the settings (var licensed_users: the emails of licensed_users in
-- dealsync.yaml, whether listed there, in a CSV file or in a warehouse table).
{%- set emails = var('licensed_users') or [] %}
with given as (
    {{ text_values('email', emails) }}
)

select
    email,
    lower(regexp_replace(email, '^\s+|\s+$', '', 'g')) as email_normalized,
    cast({{ sql_text(var('licensed_users_source')) }} as varchar) as source
from given
