-- Incremental run: the opportunities whose inputs changed since :since (the previous run's
-- start minus the lookback): the opportunity itself, its version history, account, contact
-- roles and their contacts, tasks, events and emails, its owner and activity owners
-- (changed_owners: a new name, email, licence or status); deals
-- whose events or emails moved from the future into the past since the previous run
-- (:previous_as_of), which changes last_activity_date; plus any ids the caller adds to
-- extra_scope (a purge). Ids that are not opportunities (a task on an account) are harmless.
create temporary table deal_scope as
select id as opportunity_id
from src_opportunity
where _extracted_at >= :since or _hard_deleted_at >= :since
union
select id from src_opportunity_versions where _extracted_at >= :since
union
select opportunity_id from src_opportunity_contact_role
where (_extracted_at >= :since or _hard_deleted_at >= :since) and opportunity_id is not null
union
select r.opportunity_id
from src_opportunity_contact_role as r
inner join src_contact as c on c.id = r.contact_id
where (c._extracted_at >= :since or c._hard_deleted_at >= :since)
  and r.opportunity_id is not null
union
select what_id from src_task
where (_extracted_at >= :since or _hard_deleted_at >= :since) and what_id is not null
union
select what_id from src_event
where (_extracted_at >= :since or _hard_deleted_at >= :since) and what_id is not null
union
select related_to_id from src_email_message
where (_extracted_at >= :since or _hard_deleted_at >= :since) and related_to_id is not null
union
select o.id
from src_opportunity as o
inner join src_account as a on a.id = o.account_id
where a._extracted_at >= :since or a._hard_deleted_at >= :since
union
select o.id
from src_opportunity as o
inner join changed_owners as u on u.user_id = o.owner_id
union
select t.what_id from src_task as t inner join changed_owners as u on u.user_id = t.owner_id
union
select e.what_id from src_event as e inner join changed_owners as u on u.user_id = e.owner_id
union
select what_id from src_event
where what_id is not null
  and ((start_date_time >= :next_day_after_previous and start_date_time < :next_day_after_as_of)
       or (activity_date > cast(:previous_as_of as date)
           and activity_date <= cast(:as_of as date)))
union
select related_to_id from src_email_message
where related_to_id is not null
  and message_date >= :next_day_after_previous and message_date < :next_day_after_as_of
union
select opportunity_id from extra_scope;

analyze deal_scope
