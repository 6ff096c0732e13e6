-- Documents to attach now: new ones, transient failures whose backoff is over, and documents
-- left in flight by an interrupted run once the grace period (:stale_before) has passed.
select *
from sync_back.deal_documents
where status = 'pending'
   or (status = 'retrying' and (next_attempt_at is null or next_attempt_at <= :now))
   or (status = 'in_flight' and in_flight_since <= :stale_before)
order by created_at, doc_key
