-- Mark one document in flight just before its insert; only a still-due row is claimed, so two
-- runs never send the same document. RETURNING says whether this run owns it.
update sync_back.deal_documents
set status = 'in_flight',
    in_flight_since = :now,
    attempts = attempts + 1,
    last_run_id = :run_id,
    updated_at = :now
where doc_key = :doc_key
  and (status = 'pending'
       or (status = 'retrying' and (next_attempt_at is null or next_attempt_at <= :now))
       or (status = 'in_flight' and in_flight_since <= :stale_before))
returning attempts
