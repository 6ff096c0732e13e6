-- One deal's facts for its review document.
select *
from warehouse.deals
where opportunity_id = :opportunity_id
