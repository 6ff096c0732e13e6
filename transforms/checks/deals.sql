-- The deals with the facts their checks need: does the owner exist in owners, the stage in
-- stages (a retained deal may keep a stage that left the pipeline), is the close date a date
-- Salesforce accepts (1700-01-01 to 4000-12-31).
select d.opportunity_id, d.account_id, d.owner_id, d.primary_contact_id, d.stage_name,
       d.amount, d.close_date,
       exists (select 1 from warehouse.owners o where o.user_id = d.owner_id) as owner_known,
       (exists (select 1 from warehouse.stages s where s.stage_name = d.stage_name)
        or coalesce(d.is_retained, false)) as stage_known,
       coalesce(d.close_date between {first_date} and {last_date}, false) as close_date_valid
from warehouse.deals d
