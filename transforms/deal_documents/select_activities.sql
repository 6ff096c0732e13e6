-- The deal's most recent tasks and events.
select activity_date, activity_type, subtype, subject, status, owner_name
from warehouse.deal_activities
where opportunity_id = :opportunity_id
order by activity_date desc nulls last, activity_id
limit :limit
