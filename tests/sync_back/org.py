"""A small org for sync-back tests, dated relative to today so the follow-up rules always match
the same deals: `stale` (open, no activity for 40 days, a primary contact), `overdue` (open,
close date 5 days ago, a recent completed task), `fresh` (open, recent activity) and `won`."""

import json
from datetime import date, timedelta
from pathlib import Path


def org(today: date) -> dict:
    def ago(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    stages = [("Prospecting", 1, False, False), ("Negotiation/Review", 2, False, False),
              ("Closed Won", 3, True, True), ("Closed Lost", 4, True, False)]
    return {
        "User": [
            {"_ref": "alice", "Username": "alice@acme-demo.com", "FirstName": "Alice",
             "LastName": "Martin", "Email": "alice.martin@acme-demo.com", "Alias": "amart",
             "TimeZoneSidKey": "Europe/Berlin",
             "CreatedDate": "2024-01-02T09:00:00Z"},
            {"_ref": "bob", "Username": "bob@acme-demo.com", "FirstName": "Bob",
             "LastName": "Nunez", "Email": "bob.nunez@acme-demo.com", "Alias": "bnune",
             "TimeZoneSidKey": "America/New_York",
             "CreatedDate": "2024-01-02T09:00:00Z"}],
        "OpportunityStage": [
            {"ApiName": name, "MasterLabel": name, "SortOrder": order, "IsActive": True,
             "IsClosed": closed, "IsWon": won, "DefaultProbability": 10,
             "ForecastCategory": "Pipeline", "ForecastCategoryName": "Pipeline"}
            for name, order, closed, won in stages],
        "Account": [{"_ref": "globex", "Name": "Globex", "OwnerId": "@alice"}],
        "Contact": [{"_ref": "hank", "AccountId": "@globex", "FirstName": "Hank",
                     "LastName": "Scorpio", "Email": "hank@globex.example", "OwnerId": "@alice"}],
        "Opportunity": [
            {"_ref": "stale", "Name": "Globex - Renewal", "AccountId": "@globex",
             "OwnerId": "@bob", "StageName": "Prospecting", "Amount": 1000,
             "CloseDate": ago(-60), "CreatedDate": f"{ago(40)}T10:00:00Z"},
            {"_ref": "overdue", "Name": "Globex - Expansion", "AccountId": "@globex",
             "OwnerId": "@alice", "StageName": "Negotiation/Review", "Amount": 5000,
             "CloseDate": ago(5), "CreatedDate": f"{ago(20)}T10:00:00Z"},
            {"_ref": "fresh", "Name": "Globex - Pilot", "AccountId": "@globex",
             "OwnerId": "@alice", "StageName": "Prospecting", "CloseDate": ago(-30),
             "CreatedDate": f"{ago(2)}T10:00:00Z"},
            {"_ref": "won", "Name": "Globex - Won", "AccountId": "@globex", "OwnerId": "@alice",
             "StageName": "Closed Won", "Amount": 700, "CloseDate": ago(30),
             "CreatedDate": f"{ago(90)}T10:00:00Z"}],
        "OpportunityContactRole": [
            {"OpportunityId": "@stale", "ContactId": "@hank", "Role": "Decision Maker",
             "IsPrimary": True}],
        "Task": [
            {"WhatId": "@overdue", "OwnerId": "@alice", "Subject": "Call", "Status": "Completed",
             "Priority": "Normal", "ActivityDate": ago(3)}],
    }


def write_org(directory: Path, today: date) -> Path:
    path = Path(directory) / "sync_back_org.json"
    path.write_text(json.dumps(org(today), indent=1), encoding="utf-8")
    return path
