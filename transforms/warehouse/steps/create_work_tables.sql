-- Per-run working tables: opportunities a caller adds to the scope (a purge), owner changes
-- when there is no previous owners table, and the custom-field rule failures.
create temporary table extra_scope (opportunity_id varchar);

create temporary table custom_rule_failures (
    opportunity_id varchar,
    rule_index bigint,
    rule_name varchar,
    rule_label varchar
)
