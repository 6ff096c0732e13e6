"""Extraction assets: one Dagster asset per Salesforce object, landed in the staging schema."""
