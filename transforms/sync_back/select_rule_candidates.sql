-- Deals one follow-up rule applies to. {condition} is the rule's `when` from the settings (a SQL
-- boolean over these columns); :today is the run's UTC date.
select *
from warehouse.deals
where ({condition})
order by opportunity_id
