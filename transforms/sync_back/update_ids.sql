-- Store the 18-character form of a row's Ids.
update sync_back.sync_back_tasks
set what_id = :what_id, who_id = :who_id, owner_id = :owner_id, updated_at = :now
where sync_key = :sync_key
