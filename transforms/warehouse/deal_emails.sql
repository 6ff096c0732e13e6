-- Model: deal_emails
-- Purpose: Emails related to a deal (EmailMessage.RelatedToId = the opportunity): direction,
--   sender, recipients, subject and date. Bodies stay in staging.email_message.
-- Grain: one row per email (email_id) on a deal
-- Materialization: incremental
-- Columns:
--   email_id varchar: Salesforce EmailMessage Id.
--   opportunity_id varchar: The deal.
--   direction varchar: inbound (Incoming) | outbound.
--   from_name varchar: Sender name.
--   from_address varchar: Sender address.
--   to_address varchar: Recipient addresses, as Salesforce stores them (semicolon-separated).
--   cc_address varchar: Cc addresses.
--   subject varchar: Subject line.
--   message_date timestamp: When the email was sent or received.
--   status varchar: Salesforce EmailMessage Status code (0 new ... 5 draft).
--   activity_id varchar: The Task Salesforce logged for this email, if any.
--   created_date timestamp: When the email was created in Salesforce.
select
    m.id as email_id,
    m.related_to_id as opportunity_id,
    case when coalesce(m.incoming, false) then 'inbound' else 'outbound' end as direction,
    m.from_name,
    m.from_address,
    m.to_address,
    m.cc_address,
    m.subject,
    m.message_date,
    m.status,
    m.activity_id,
    m.created_date
from src_email_message as m
inner join scoped_deals as d
    on d.opportunity_id = m.related_to_id
where not m.is_removed
