-- Record what this run used, for the next run's incremental window and rebuild decision.
delete from warehouse.transform_state;

insert into warehouse.transform_state (name, value, updated_at)
values
    ('last_started_at', :last_started_at, :as_of),
    ('last_as_of', :last_as_of, :as_of),
    ('settings_fingerprint', :settings_fingerprint, :as_of),
    ('build_fingerprint', :build_fingerprint, :as_of),
    ('code_fingerprint', :code_fingerprint, :as_of),
    ('last_mode', :mode, :as_of)
