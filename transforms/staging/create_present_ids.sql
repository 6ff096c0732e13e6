-- Scratch table for the full list of Ids that still exist in Salesforce (hard-delete check).
create temporary table _present_ids (id varchar)
