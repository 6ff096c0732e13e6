-- The opportunities in this run's scope that are deals (deal_classification.is_deal): what the
-- deal_* models after deal_classification rebuild. Created once, right after it is built.
create temporary table scoped_deals as
select c.opportunity_id
from warehouse.deal_classification as c
inner join deal_scope as s
    on s.opportunity_id = c.opportunity_id
where c.is_deal;

analyze scoped_deals
