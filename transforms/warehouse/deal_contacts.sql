-- Model: deal_contacts
-- Purpose: The contacts on each deal (OpportunityContactRole) with their contact details, so
--   analysts can see who is involved and measure contact-role coverage.
-- Grain: one row per contact role (contact_role_id) on a deal
-- Materialization: incremental
-- Columns:
--   contact_role_id varchar: Salesforce OpportunityContactRole Id.
--   opportunity_id varchar: The deal.
--   contact_id varchar: Salesforce Contact Id.
--   role varchar: The contact's role on the deal (Decision Maker, Evaluator, ...).
--   is_primary boolean: Salesforce marks this role as the deal's primary contact.
--   contact_name varchar: Contact full name.
--   contact_email varchar: Contact email as in Salesforce.
--   contact_title varchar: Contact job title.
--   contact_phone varchar: Contact phone.
--   contact_account_id varchar: The contact's account.
--   created_date timestamp: When the role was added in Salesforce.
with live_roles as (
    select *
    from src_opportunity_contact_role
    where not is_removed
),

live_contacts as (
    select *
    from src_contact
    where not is_removed
)

select
    r.id as contact_role_id,
    r.opportunity_id,
    r.contact_id,
    r.role,
    coalesce(r.is_primary, false) as is_primary,
    c.name as contact_name,
    c.email as contact_email,
    c.title as contact_title,
    c.phone as contact_phone,
    c.account_id as contact_account_id,
    r.created_date
from live_roles as r
inner join scoped_deals as d
    on d.opportunity_id = r.opportunity_id
inner join live_contacts as c
    on c.id = r.contact_id
