-- Model: owners
-- Purpose: Salesforce users matched to the licensed users by email. Emails are compared
--   trimmed and lower-cased on both sides, so " Ann.Lee@ACME.com " matches ann.lee@acme.com.
--   owner_status says whether a deal owned by the user would be imported: active, inactive
--   (licensed, but the Salesforce user is deactivated) or unlicensed.
-- Grain: one row per Salesforce user (user_id)
-- Materialization: table
-- Columns:
--   user_id varchar: Salesforce User Id (18 characters).
--   name varchar: Full name as in Salesforce.
--   email varchar: Email exactly as stored in Salesforce (may carry spaces or capitals).
--   email_normalized varchar: email trimmed and lower-cased; what matching uses.
--   is_active boolean: The Salesforce user is active.
--   licensed_email varchar: The licensed user's email (normalized) this user matched, or null.
--   owner_status varchar: active | inactive | unlicensed (unlicensed wins over inactive).
--   title varchar: Job title.
--   department varchar: Department.
--   manager_id varchar: The user's manager (a user_id), or null.
with salesforce_users as (
    select
        id as user_id,
        name,
        email,
        lower(regexp_replace(email, '^\s+|\s+$', '', 'g')) as email_normalized,
        coalesce(is_active, false) as is_active,
        title,
        department,
        manager_id
    from src_user
    where not is_removed
),

licensed_emails as (
    select distinct email_normalized
    from warehouse.licensed_users
)

select
    u.user_id,
    u.name,
    u.email,
    u.email_normalized,
    u.is_active,
    l.email_normalized as licensed_email,
    case
        when l.email_normalized is null then 'unlicensed'
        when not u.is_active then 'inactive'
        else 'active'
    end as owner_status,
    u.title,
    u.department,
    u.manager_id
from salesforce_users as u
left join licensed_emails as l
    on l.email_normalized = u.email_normalized
