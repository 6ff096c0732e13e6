-- Documents to attach later: in backoff, or in flight too recently to tell whether a running
-- send owns them.
select count(*)
from sync_back.deal_documents
where (status = 'retrying' and next_attempt_at > :now)
   or (status = 'in_flight' and in_flight_since > :stale_before)
