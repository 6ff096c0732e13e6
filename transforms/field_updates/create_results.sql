-- Session-local rows of per-field results, filled by copy_into, applied by apply_results.
create temporary table field_update_results (
    mapping varchar, object varchar, record_id varchar, field varchar, status varchar,
    before_value varchar, after_value varchar, salesforce_value varchar, error_code varchar,
    message varchar, attempt integer, api varchar, next_attempt_at timestamp,
    logged_at timestamp, log boolean
)
