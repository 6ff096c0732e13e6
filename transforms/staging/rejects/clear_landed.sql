-- Rejects of {object_name} that this run landed after all (fixed in Salesforce since), and
-- those inside a window this run read again without meeting them.
delete from staging.rejects
where object = :object
  and (record_id in (select id from staging.{table} where _run_id = :run_id)
       or (run_id <> :run_id and system_modstamp >= :window_start
           and system_modstamp < :window_end))
