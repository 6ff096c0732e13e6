-- Outbox rows still to send (sent and failed rows are history). Blank Ids count as no Id, as
-- the sink reads them.
select sync_key,
       nullif(trim(what_id), '') as what_id,
       nullif(trim(who_id), '') as who_id,
       (nullif(trim(what_id), '') is not null or nullif(trim(who_id), '') is not null) as has_link,
       subject, activity_date
from sync_back.sync_back_tasks
where sync_status in ('pending', 'retrying', 'in_flight')
