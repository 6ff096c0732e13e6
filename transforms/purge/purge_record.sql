-- Tombstone the targets (md5 of the Id only), forget erased deals for retention, and log the
-- request without any personal data.
insert into warehouse.purge_tombstones (object_name, id_hash, purged_at, request_id)
select distinct t.object_name, md5(t.id), :now, :request_id
from purge_targets as t
where not exists (
    select 1 from warehouse.purge_tombstones as p
    where p.object_name = t.object_name and p.id_hash = md5(t.id)
);

delete from warehouse.deal_imports
where opportunity_id in (select id from purge_targets where object_name = 'opportunity');

insert into warehouse.purge_log (request_id, requested_at, subject_kind, request_reference,
                                 records_erased, rows_removed)
select :request_id, :now, :subject_kind, :request_reference, count(*), :rows_removed
from purge_targets
