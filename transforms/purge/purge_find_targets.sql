-- Erasure request: every staged record that belongs to the subject. :opportunity_id erases a
-- deal with its contact roles, tasks, events and emails; :contact_id or :email erases a person
-- (the contacts with that id or email, their roles and activities, and the emails sent from or
-- to their address). A requested Id that is not staged is still tombstoned.
create temporary table purge_contacts as
select id from src_contact
where id = cast(:contact_id as varchar)
   or lower(regexp_replace(email, '^\s+|\s+$', '', 'g')) = cast(:email as varchar)
union
select cast(:contact_id as varchar) where cast(:contact_id as varchar) is not null;

create temporary table purge_addresses as
select cast(:email as varchar) as address where cast(:email as varchar) is not null
union
select lower(regexp_replace(c.email, '^\s+|\s+$', '', 'g'))
from src_contact as c
inner join purge_contacts as p on p.id = c.id
where c.email is not null;

create temporary table purge_targets as
select 'opportunity' as object_name, cast(:opportunity_id as varchar) as id
where cast(:opportunity_id as varchar) is not null
union
select 'contact', id from purge_contacts
union
select 'opportunity_contact_role', id from src_opportunity_contact_role
where opportunity_id = cast(:opportunity_id as varchar)
   or contact_id in (select id from purge_contacts)
union
select 'task', id from src_task
where what_id = cast(:opportunity_id as varchar) or who_id in (select id from purge_contacts)
union
select 'event', id from src_event
where what_id = cast(:opportunity_id as varchar) or who_id in (select id from purge_contacts)
union
select 'email_message', m.id from src_email_message as m
where m.related_to_id = cast(:opportunity_id as varchar)
   or exists (
       select 1 from purge_addresses as a
       where lower(regexp_replace(m.from_address, '^\s+|\s+$', '', 'g')) = a.address
          or strpos(concat(';', replace(lower(coalesce(m.to_address, '')), ' ', ''), ';',
                           replace(lower(coalesce(m.cc_address, '')), ' ', ''), ';'),
                    concat(';', a.address, ';')) > 0
   )
