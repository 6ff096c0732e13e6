-- Incremental run: the opportunities whose inputs changed since :since (the previous run's
-- start minus the lookback): the opportunity itself, its version history, account, contact
-- roles and their contacts, tasks, events and emails, and its owner (changed_owners); deals
-- whose events or emails moved from the future into the past since the previous run
-- (:previous_as_of), which changes last_activity_date; plus any ids the caller adds to
-- extra_scope (a purge). Ids that are not opportunities (a task on an account) are harmless.
create temporary table deal_scope as
select id as opportunity_id
from src_opportunity
where _changed_at >= :since
union
select id from src_opportunity_versions where _changed_at >= :since
union
select opportunity_id from src_opportunity_contact_role
where _changed_at >= :since and opportunity_id is not null
union
select r.opportunity_id
from src_opportunity_contact_role as r
inner join src_contact as c on c.id = r.contact_id
where c._changed_at >= :since and r.opportunity_id is not null
union
select what_id from src_task where _changed_at >= :since and what_id is not null
union
select what_id from src_event where _changed_at >= :since and what_id is not null
union
select related_to_id from src_email_message
where _changed_at >= :since and related_to_id is not null
union
select o.id
from src_opportunity as o
inner join src_account as a on a.id = o.account_id
where a._changed_at >= :since
union
select o.id
from src_opportunity as o
inner join changed_owners as u on u.user_id = o.owner_id
union
select what_id from src_event
where what_id is not null
  and cast(coalesce(start_date_time, activity_date_time) as date) > cast(:previous_as_of as date)
  and cast(coalesce(start_date_time, activity_date_time) as date) <= cast(:as_of as date)
union
select related_to_id from src_email_message
where related_to_id is not null
  and cast(message_date as date) > cast(:previous_as_of as date)
  and cast(message_date as date) <= cast(:as_of as date)
union
select opportunity_id from extra_scope;

analyze deal_scope
