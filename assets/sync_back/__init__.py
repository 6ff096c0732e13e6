"""Sync-back: the outbox of follow-up Tasks and the sink that writes them to Salesforce once."""
