-- What was last done per field of one object.
select record_id, field, value, staged_before, salesforce_value, status, attempts,
       next_attempt_at
from sync_back.field_update_state
where object = :object
