-- Outbox rows per delivery status, for asset metadata.
select sync_status, count(*) as n
from sync_back.sync_back_tasks
group by sync_status
