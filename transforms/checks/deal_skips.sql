-- Opportunities left out of deals, with the reason.
select opportunity_id, reason from warehouse.deal_skips
