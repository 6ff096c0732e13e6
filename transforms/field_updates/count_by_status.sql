-- Fields per state, for the asset's metadata.
select status, count(*) as n from sync_back.field_update_state group by status
