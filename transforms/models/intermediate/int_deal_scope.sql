-- The opportunities this run rebuilds. A full rebuild (no var since, or --full-refresh): every
-- staged opportunity. An incremental run: those whose inputs were landed since var since (the
-- previous build's start minus the lookback): the opportunity itself, its version history,
-- account, contact roles and their contacts, tasks, events and emails, its owner and the
-- owners of its activities (int_changed_owners: a new name, email, licence or status); deals
-- whose events or emails moved
-- from the future into the past since the previous run (they change last_activity_date);
-- plus var extra_scope (a purge). Ids that are not opportunities (a task on an account) are
-- harmless. A change of licensed users, stages or record types changes the build fingerprint,
-- which makes the run a full rebuild (assets/deal_warehouse/state.py).
{%- if is_scoped_run() %}
{%- set since = changed_since() %}
{#- Each staging table is a derived table here, not a CTE: PostgreSQL materializes a CTE
    that is read twice, and then no index on _extracted_at or what_id helps. -#}
{%- set opportunities = '(' ~ staged_columns('opportunity', {'account_id': 'varchar', 'owner_id': 'varchar'}) ~ ')' %}
{%- set opportunity_versions = '(' ~ staged_columns('opportunity_versions', {}, history=true) ~ ')' %}
{%- set contact_roles = '(' ~ staged_columns('opportunity_contact_role', {'opportunity_id': 'varchar', 'contact_id': 'varchar'}) ~ ')' %}
{%- set contacts = '(' ~ staged_columns('contact', {}) ~ ')' %}
{%- set accounts = '(' ~ staged_columns('account', {}) ~ ')' %}
{%- set tasks = '(' ~ staged_columns('task', {'what_id': 'varchar', 'owner_id': 'varchar'}) ~ ')' %}
{%- set events = '(' ~ staged_columns('event', {'what_id': 'varchar', 'owner_id': 'varchar', 'start_date_time': 'timestamp', 'activity_date': 'date'}) ~ ')' %}
{%- set emails = '(' ~ staged_columns('email_message', {'related_to_id': 'varchar', 'message_date': 'timestamp'}) ~ ')' %}
with changed_users as (
    select user_id from {{ ref('int_changed_owners') }}
),

run_window as (
    select
        {{ previous_as_of() }} as previous_as_of,
        {{ as_of() }} as as_of,
        {{ next_midnight(previous_as_of()) }} as next_day_after_previous,
        {{ next_midnight(as_of()) }} as next_day_after_as_of
),

extra_scope as (
    {{ text_values('opportunity_id', var('extra_scope') or []) }}
),

changed_opportunities as (
    select id as opportunity_id from {{ opportunities }} as opportunities
    where _extracted_at >= {{ since }} or _hard_deleted_at >= {{ since }}
    union all
    select id from {{ opportunity_versions }} as opportunity_versions where _extracted_at >= {{ since }}
    union all
    select opportunity_id from {{ contact_roles }} as contact_roles
    where (_extracted_at >= {{ since }} or _hard_deleted_at >= {{ since }})
      and opportunity_id is not null
    union all
    select r.opportunity_id
    from {{ contact_roles }} as r
    inner join {{ contacts }} as c on c.id = r.contact_id
    where (c._extracted_at >= {{ since }} or c._hard_deleted_at >= {{ since }})
      and r.opportunity_id is not null
    union all
    select what_id from {{ tasks }} as tasks
    where (_extracted_at >= {{ since }} or _hard_deleted_at >= {{ since }}) and what_id is not null
    union all
    select what_id from {{ events }} as events
    where (_extracted_at >= {{ since }} or _hard_deleted_at >= {{ since }}) and what_id is not null
    union all
    select related_to_id from {{ emails }} as emails
    where (_extracted_at >= {{ since }} or _hard_deleted_at >= {{ since }})
      and related_to_id is not null
    union all
    select o.id
    from {{ opportunities }} as o
    inner join {{ accounts }} as a on a.id = o.account_id
    where a._extracted_at >= {{ since }} or a._hard_deleted_at >= {{ since }}
    union all
    select o.id from {{ opportunities }} as o inner join changed_users as u on u.user_id = o.owner_id
    union all
    select t.what_id from {{ tasks }} as t inner join changed_users as u on u.user_id = t.owner_id
    where t.what_id is not null
    union all
    select e.what_id from {{ events }} as e inner join changed_users as u on u.user_id = e.owner_id
    where e.what_id is not null
    union all
    select e.what_id
    from {{ events }} as e
    cross join run_window as w
    where e.what_id is not null
      and ((e.start_date_time >= w.next_day_after_previous
            and e.start_date_time < w.next_day_after_as_of)
           or (e.activity_date > cast(w.previous_as_of as date)
               and e.activity_date <= cast(w.as_of as date)))
    union all
    select m.related_to_id
    from {{ emails }} as m
    cross join run_window as w
    where m.related_to_id is not null
      and m.message_date >= w.next_day_after_previous
      and m.message_date < w.next_day_after_as_of
    union all
    select opportunity_id from extra_scope
)

select distinct cast(opportunity_id as varchar) as opportunity_id
from changed_opportunities
where opportunity_id is not null
{%- else %}
select distinct cast(id as varchar) as opportunity_id
from {{ ref('stg_salesforce__opportunity') }}
-- Lineage: an incremental run reads these too.
-- depends_on: {{ ref('stg_salesforce__opportunity_versions') }}, {{ ref('stg_salesforce__opportunity_contact_role') }}
-- depends_on: {{ ref('stg_salesforce__contact') }}, {{ ref('stg_salesforce__account') }}, {{ ref('stg_salesforce__task') }}
-- depends_on: {{ ref('stg_salesforce__event') }}, {{ ref('stg_salesforce__email_message') }}, {{ ref('int_changed_owners') }}
{%- endif %}
