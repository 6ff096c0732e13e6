-- Every non-deleted opportunity is in exactly one of deals and deal_skips: none in both.
{{ config(meta={'dagster': {'asset_key': ['deal_warehouse', 'deal_skips']}}) }}
select s.opportunity_id
from {{ ref('deal_skips') }} as s
inner join {{ ref('deals') }} as d
    on d.opportunity_id = s.opportunity_id
