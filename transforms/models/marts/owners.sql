-- depends_on: {{ ref('int_changed_owners') }}
-- (int_changed_owners reads the previous run's owners, so it runs first.)
select * from {{ ref('int_owners') }}
