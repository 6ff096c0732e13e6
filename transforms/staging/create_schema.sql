-- Schema for extraction tables: every landed version and the current state of each object.
create schema if not exists staging
