-- Incremental run: the opportunities whose inputs changed since :since (the previous run's
-- start minus the lookback): the opportunity itself, its version history, account, contact
-- roles and their contacts, tasks, events and emails, and its owner (changed_owners), plus
-- any ids the caller adds to extra_scope (a purge). Ids that are not opportunities (a task on
-- an account) are harmless: no model finds them.
create temporary table deal_scope as
select id as opportunity_id
from warehouse_src.opportunity
where _changed_at >= :since
union
select id from warehouse_src.opportunity_versions where _changed_at >= :since
union
select opportunity_id from warehouse_src.opportunity_contact_role
where _changed_at >= :since and opportunity_id is not null
union
select r.opportunity_id
from warehouse_src.opportunity_contact_role as r
inner join warehouse_src.contact as c on c.id = r.contact_id
where c._changed_at >= :since and r.opportunity_id is not null
union
select what_id from warehouse_src.task where _changed_at >= :since and what_id is not null
union
select what_id from warehouse_src.event where _changed_at >= :since and what_id is not null
union
select related_to_id from warehouse_src.email_message
where _changed_at >= :since and related_to_id is not null
union
select o.id
from warehouse_src.opportunity as o
inner join warehouse_src.account as a on a.id = o.account_id
where a._changed_at >= :since
union
select o.id
from warehouse_src.opportunity as o
inner join changed_owners as u on u.user_id = o.owner_id
union
select opportunity_id from extra_scope;

analyze deal_scope
