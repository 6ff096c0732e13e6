"""Field write-back: warehouse values -> fields of existing Salesforce records, changes only,
never over a newer edit made in Salesforce, each result logged (sync_back.field_update_log)."""
