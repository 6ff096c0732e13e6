-- One record that could not be staged; seen again, it keeps its first_seen_at.
insert into staging.rejects (object, reject_key, record_id, field, value_excerpt, error, fix,
                             system_modstamp, run_id, first_seen_at, last_seen_at)
values (:object, :reject_key, :record_id, :field, :value_excerpt, :error, :fix,
        :system_modstamp, :run_id, :now, :now)
on conflict (object, reject_key) do update set
    record_id = excluded.record_id, field = excluded.field,
    value_excerpt = excluded.value_excerpt, error = excluded.error, fix = excluded.fix,
    system_modstamp = excluded.system_modstamp, run_id = excluded.run_id,
    last_seen_at = excluded.last_seen_at
