-- Session-local list of outbox keys a statement works on.
create temporary table sync_back_keys (sync_key varchar)
