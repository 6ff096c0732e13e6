-- depends_on: {{ ref('int_deal_scope') }}
-- The opportunities in this run's scope that are deals: what the deal_* models rebuild. One
-- table, built once right after deal_classification, instead of the same join in every model.
select c.opportunity_id
from {{ ref('deal_classification') }} as c
{{ in_scope('c') }}
where c.is_deal
