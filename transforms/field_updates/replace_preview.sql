-- A dry run replaces the whole preview: it shows what the next real run would do.
delete from sync_back.field_update_preview;

insert into sync_back.field_update_preview (mapping, object, record_id, field, before_value,
    after_value, why, previewed_at)
select mapping, object, record_id, field, before_value, after_value, message, logged_at
from field_update_results;

drop table field_update_results
