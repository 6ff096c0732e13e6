-- Rows still to send whose Ids are not in the 18-character form yet (15-character Ids come from
-- Salesforce UI URLs and report exports).
select sync_key, what_id, who_id, owner_id
from sync_back.sync_back_tasks
where sync_status in ('pending', 'retrying', 'in_flight')
  and (length(what_id) = 15 or length(who_id) = 15 or length(owner_id) = 15)
