-- The deal's stages in the order it went through them, from its record versions.
select entry_number, stage_name, entered_at, exited_at, days_in_stage, is_current
from warehouse.deal_stage_history
where opportunity_id = :opportunity_id
order by entry_number
