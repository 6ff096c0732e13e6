-- The Tasks the sink wrote most recently, for summaries (`make demo`) and spot checks.
select t.sync_key, t.task_id, t.subject, t.what_id, t.who_id, t.owner_id, t.activity_date,
       t.reason, t.updated_at
from sync_back.sync_back_tasks t
where t.sync_status = 'sent'
order by t.updated_at desc, t.sync_key
limit :limit
