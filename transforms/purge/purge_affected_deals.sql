-- The deals whose rows change when the targets go: the erased deal itself, and every deal
-- that had one of the erased contact roles, activities or emails. They are rebuilt in the same
-- transaction, so no count or primary contact keeps pointing at erased data.
select id as opportunity_id from purge_targets where object_name = 'opportunity'
union
select r.opportunity_id from src_opportunity_contact_role as r
inner join purge_targets as t on t.id = r.id and t.object_name = 'opportunity_contact_role'
union
select a.what_id from src_task as a
inner join purge_targets as t on t.id = a.id and t.object_name = 'task'
union
select a.what_id from src_event as a
inner join purge_targets as t on t.id = a.id and t.object_name = 'event'
union
select m.related_to_id from src_email_message as m
inner join purge_targets as t on t.id = m.id and t.object_name = 'email_message'
