-- Queue the new rows; a key already in the outbox (same rule, deal and period, or the same
-- caller key) is never queued twice. Returns how many rows were new.
select count(*) as new_rows
from sync_back_new_tasks n
where not exists (select 1 from sync_back.sync_back_tasks t where t.sync_key = n.sync_key);

insert into sync_back.sync_back_tasks (
    sync_key, source, rule_name, opportunity_id, what_id, who_id, owner_id, subject, description,
    activity_date, status, priority, task_subtype, reason, created_at, sync_status, attempts,
    updated_at)
select sync_key, source, rule_name, opportunity_id, what_id, who_id, owner_id, subject,
       description, activity_date, status, priority, task_subtype, reason, :now, 'pending', 0, :now
from sync_back_new_tasks
on conflict (sync_key) do nothing;

drop table sync_back_new_tasks
