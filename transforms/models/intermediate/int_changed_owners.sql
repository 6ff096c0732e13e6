-- Users whose name, email, licence match or status changed since the previous run: an
-- incremental run re-classifies their deals even when the opportunities did not change. It
-- compares this run's owners (int_owners) with the previous run's table `owners`, which it
-- reads before owners is rebuilt (owners depends on this model); a full rebuild needs none.
{%- set previous = adapter.get_relation(this.database, 'warehouse', 'owners') if execute else none %}
{%- if is_scoped_run() and previous is not none %}
with current_owners as (
    select * from {{ ref('int_owners') }}
),

previous_owners as (
    select * from {{ previous }}
),

added_or_changed as (
    select * from current_owners
    except
    select * from previous_owners
),

removed_or_changed as (
    select * from previous_owners
    except
    select * from current_owners
)

select user_id from added_or_changed
union
select user_id from removed_or_changed
{%- else %}
-- depends_on: {{ ref('int_owners') }}
select cast(null as varchar) as user_id where 1 = 0
{%- endif %}
