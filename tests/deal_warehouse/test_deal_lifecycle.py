"""Deals over several ticks: stage history, retention when an owner leaves, deletes, and
incremental runs that agree with a full rebuild. Each tick is a real incremental extraction
from the emulator followed by the real warehouse assets."""

import time
from datetime import datetime, timezone

import pytest
from salesforce_emulator.client import Control

from tests.support.pipeline import extract, suite_settings

from .support import by_id, dump, ids_by_name, metadata, placement_problems, transform, warehouse_settings

pytestmark = pytest.mark.slow

EVERYONE = ["ann.lee@acme-demo.com", "ben.ortiz@acme-demo.com", "dan.wu@acme-demo.com",
            "eve.moreau@acme-demo.com"]
# No lookback: each incremental run then rebuilds exactly the opportunities that changed.
NO_LOOKBACK = {"incremental_lookback_minutes": 0, "publish_snapshot": False}


def _tick(org, settings, as_of=None):
    """Salesforce changes land on the next whole second; then extract and transform. No
    extraction lookback either, so a tick re-lands only what changed since the last one."""
    time.sleep(1.1)
    assert extract(org.emulator, org.warehouse, suite_settings(lookback_minutes=0),
                   incremental=True).success
    return transform(org.warehouse, settings, as_of=as_of)


def _stages(org, opportunity_id):
    history = org.warehouse.query("select * from warehouse.deal_stage_history "
                                  "where opportunity_id = :id", {"id": opportunity_id})
    return sorted((r["entry_number"], r["from_stage_name"], r["stage_name"], r["is_current"])
                  for r in history)


def _user(org, name):
    return next(u["user_id"] for u in by_id(org.warehouse, "owners", "user_id").values()
                if u["name"] == name)


def test_deals_across_ticks(org):
    control = Control(org.emulator.base_url, org.emulator.ca_path)
    settings = warehouse_settings(EVERYONE, warehouse=NO_LOOKBACK)
    transform(org.warehouse, settings)
    ids = ids_by_name(org.warehouse)
    platform, upgrade, analytics, agency = (ids["Initech - Platform"], ids["Globex - Upgrade"],
                                            ids["Globex - Analytics"], ids["Globex - Agency deal"])
    side = ids["Globex - Side project"]

    # Tick 1: a stage change; Eve leaves (deactivated, taken off the licence list); a deal is
    # deleted in Salesforce.
    control.update("Opportunity", platform, {"StageName": "Qualification"})
    control.update("User", _user(org, "Eve Moreau"), {"IsActive": False})
    control.delete("Opportunity", upgrade)
    settings = warehouse_settings(EVERYONE[:3], warehouse=NO_LOOKBACK)
    result = _tick(org, settings)
    assert metadata(result, "deals")["mode"] == "full"  # the licence list changed
    deals = by_id(org.warehouse, "deals")
    assert (deals[analytics]["owner_status"], deals[analytics]["is_retained"],
            deals[analytics]["retained_reasons"]) == ("unlicensed", True, "owner_not_found")
    assert upgrade not in deals and upgrade not in by_id(org.warehouse, "deal_skips")
    assert placement_problems(org.warehouse) == []

    # Tick 2: one stage change, and an incremental run that rebuilds only that deal.
    control.update("Opportunity", platform, {"StageName": "Value Proposition"})
    result = _tick(org, settings)
    assert (metadata(result, "deals")["mode"], metadata(result, "deals")[
        "opportunities_in_scope"]) == ("incremental", 1)

    # Tick 3: back to Qualification; and changes that reach deals only through related
    # records: an account renamed, a contact's email, a new email task, a new owner.
    control.update("Opportunity", platform, {"StageName": "Qualification", "Amount": 65000})
    control.update("Account", deals[side]["account_id"], {"Name": "Globex AG"})
    hank = deals[platform]["primary_contact_id"]
    control.update("Contact", hank, {"Email": "hank.scorpio@initech.example"})
    control.insert("Task", {"WhatId": side, "Subject": "Email: terms", "Status": "Completed",
                            "Priority": "Normal", "TaskSubtype": "Email"})
    control.update("Opportunity", agency, {"OwnerId": _user(org, "Ann Lee")})
    new_id = control.insert("Opportunity", {
        "Name": "Initech - Expansion", "StageName": "Prospecting", "CloseDate": "2031-09-30",
        "OwnerId": deals[platform]["owner_id"], "AccountId": deals[platform]["account_id"]})[0]
    as_of = datetime.now(timezone.utc).replace(tzinfo=None)
    result = _tick(org, settings, as_of)
    assert metadata(result, "deals")["mode"] == "incremental"

    assert _stages(org, platform) == [
        (1, None, "Prospecting", False), (2, "Prospecting", "Qualification", False),
        (3, "Qualification", "Value Proposition", False),
        (4, "Value Proposition", "Qualification", True)]
    in_stage = {r["stage_name"]: r for r in org.warehouse.query(
        "select * from warehouse.deal_time_in_stage where opportunity_id = :id", {"id": platform})}
    assert (in_stage["Qualification"]["entries"], in_stage["Qualification"]["is_current"]) == (
        2, True)
    assert in_stage["Prospecting"]["days_in_finished_visits"] > 300  # created 2025-01-10
    assert in_stage["Prospecting"]["current_visit_started_at"] is None
    assert in_stage["Qualification"]["current_visit_started_at"] is not None
    deals = by_id(org.warehouse, "deals")
    assert deals[platform]["amount"] == 65000.0
    assert deals[platform]["primary_contact_email"] == "hank.scorpio@initech.example"
    assert deals[side]["account_name"] == "Globex AG"
    assert deals[side]["email_count"] == 1
    assert deals[agency]["owner_status"] == "active"  # Ann's now: imported
    assert deals[new_id]["account_name"] == "Initech"
    assert deals[analytics]["owner_status"] == "unlicensed"  # still retained
    assert placement_problems(org.warehouse) == []

    # The incremental runs built exactly what a full rebuild builds.
    incremental = dump(org.warehouse)
    result = transform(org.warehouse, settings, full_rebuild=True, as_of=as_of)
    assert metadata(result, "deals")["mode"] == "full"
    assert dump(org.warehouse) == incremental
