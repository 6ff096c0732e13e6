-- Table: licensed_users
-- Purpose: The licensed users from the settings (licensed_users: emails, csv or table),
--   rewritten at the start of every run. Deals are imported only when their owner's email
--   matches one of these.
-- Grain: one row per licensed email as given
-- Materialization: seed
-- Columns:
--   email varchar: The email as given in the source.
--   email_normalized varchar: Trimmed and lower-cased; what owners match on.
--   source varchar: settings | csv:<path> | table:<schema.table>.
create table if not exists warehouse.licensed_users (
    email varchar,
    email_normalized varchar not null,
    source varchar not null
)
