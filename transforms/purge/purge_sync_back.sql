-- Erasure request, sync-back side: outbox rows that link an erased deal or person. Rows never
-- sent are deleted (the next run re-queues what the rules still want, now without the erased
-- records). Rows Salesforce may already hold keep their key and Task Id, which exactly-once
-- delivery needs, but lose their text and links. Previews and log messages of those rows go too.
create temporary table purge_outbox_rows as
select sync_key, sync_status
from sync_back.sync_back_tasks
where opportunity_id in (select id from purge_targets where object_name = 'opportunity')
   or what_id in (select id from purge_targets where object_name = 'opportunity')
   or who_id in (select id from purge_targets where object_name = 'contact');

delete from sync_back.sync_back_preview
where sync_key in (select sync_key from purge_outbox_rows);

update sync_back.sync_back_log
set message = null
where sync_key in (select sync_key from purge_outbox_rows);

delete from sync_back.sync_back_tasks
where sync_key in (
    select sync_key from purge_outbox_rows where sync_status in ('pending', 'retrying', 'failed')
);

update sync_back.sync_back_tasks
set who_id = null,
    subject = null,
    description = null,
    reason = null,
    last_message = null
where sync_key in (select sync_key from purge_outbox_rows);
