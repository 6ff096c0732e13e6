-- A session-local staging area for new outbox rows: rule output is bulk-loaded here, then
-- merged with insert_outbox_batch.sql.
create temporary table sync_back_new_tasks (
    sync_key varchar, source varchar, rule_name varchar, opportunity_id varchar, what_id varchar,
    who_id varchar, owner_id varchar, subject varchar, description varchar,
    activity_date varchar, status varchar, priority varchar, task_subtype varchar,
    reason varchar
)
