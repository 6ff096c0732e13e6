-- Erasure request: deals whose primary contact was erased lose its name and email at once
-- (the run that follows picks the next primary contact, if any).
update warehouse_internal.int_deal_placement
set primary_contact_id = null,
    primary_contact_name = null,
    primary_contact_email = null
where primary_contact_id in (select id from purge_targets where object_name = 'contact')
