"""GDPR erasure: the purge job removes a deal or a person from staging and the warehouse,
later syncs do not bring them back, and the audit log holds no personal data."""

import time

import dagster as dg
import pytest
from salesforce_emulator.client import Control

from assets.sync_back.tables import ensure_tables
from pipelines.warehouse_defs import build_purge_job
from tests.support.pipeline import extract, suite_settings

from .support import by_id, ids_by_name, placement_problems, transform, warehouse_settings

pytestmark = pytest.mark.slow

EVERYONE = ["ann.lee@acme-demo.com", "ben.ortiz@acme-demo.com", "dan.wu@acme-demo.com",
            "eve.moreau@acme-demo.com"]


def _purge(org, settings, **config) -> dg.ExecuteInProcessResult:
    return build_purge_job(settings).execute_in_process(
        run_config={"ops": {"purge_subject": {"config": config}}},
        resources={"warehouse": org.warehouse}, raise_on_error=False)


def _staged_ids(org) -> set[str]:
    tables = ["opportunity", "opportunity_versions", "contact", "contact_versions",
              "opportunity_contact_role", "task", "event", "email_message",
              "email_message_versions", "task_versions"]
    return {r["id"] for t in tables for r in org.warehouse.query(f"select id from staging.{t}")}


def _warehouse_text(org) -> str:
    """Every value in every warehouse table, as one string to search for personal data."""
    tables = [f"{r['table_schema']}.{r['table_name']}" for r in org.warehouse.query(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('warehouse', 'warehouse_internal')")]
    return "\n".join(repr(row) for t in tables
                     for row in org.warehouse.query(f"select * from {t}"))


def _queue_follow_ups(org, platform: str, upgrade: str, jill: str) -> None:
    """Outbox rows that link the subjects: a pending one for the deal, a sent one for Jill."""
    ensure_tables(org.warehouse)
    rows = [("pending-platform", platform, None, "Call Initech", "pending", None),
            ("sent-jill", upgrade, jill, "Call Jill Quist", "sent", "00T000000000001AAA"),
            ("other", upgrade, None, "Call about Upgrade", "pending", None)]
    for key, what_id, who_id, subject, status, task_id in rows:
        org.warehouse.execute(
            "insert into sync_back.sync_back_tasks (sync_key, opportunity_id, what_id, who_id, "
            "subject, activity_date, sync_status, task_id) values (:key, :what_id, :what_id, "
            ":who_id, :subject, '2026-12-01', :status, :task_id)",
            {"key": key, "what_id": what_id, "who_id": who_id, "subject": subject,
             "status": status, "task_id": task_id})
    org.warehouse.execute(
        "insert into sync_back.sync_back_log (run_id, sync_key, attempt, status, task_id, "
        "message, api, logged_at) values ('r1', 'sent-jill', 1, 'sent', '00T000000000001AAA', "
        "'created Call Jill Quist', 'composite', current_timestamp)")


def test_purged_deal_and_person_are_gone_and_stay_gone(org):
    control = Control(org.emulator.base_url, org.emulator.ca_path)
    settings = warehouse_settings(EVERYONE)
    transform(org.warehouse, settings)
    ids = ids_by_name(org.warehouse)
    platform, upgrade = ids["Initech - Platform"], ids["Globex - Upgrade"]
    jill = next(r["id"] for r in org.warehouse.query("select id, name from staging.contact")
                if r["name"] == "Jill Quist")
    platform_rows = {r["id"] for r in org.warehouse.query(
        "select id from staging.task where what_id = :id union select id from staging.event "
        "where what_id = :id union select id from staging.email_message where related_to_id = :id "
        "union select id from staging.opportunity_contact_role where opportunity_id = :id",
        {"id": platform})}
    assert len(platform_rows) == 8
    _queue_follow_ups(org, platform, upgrade, jill)

    # A deal, by its 15-character Id as copied from a Salesforce URL.
    result = _purge(org, settings, opportunity_id=platform[:15], request_reference="GDPR-2026-001")
    assert result.success
    assert result.output_for_node("purge_subject") is None
    assert ({platform} | platform_rows) & _staged_ids(org) == set()
    for table in ("deals", "deal_skips", "deal_classification", "deal_contacts",
                  "deal_activities", "deal_emails", "deal_stage_history"):
        assert platform not in {r["opportunity_id"] for r in org.warehouse.query(
            f"select opportunity_id from warehouse.{table}")}, table
    assert platform not in _warehouse_text(org)  # the internal tables too

    # A person, by email, written differently from Salesforce's "Jill.Quist@Globex.example".
    assert _purge(org, settings, email=" jill.quist@GLOBEX.example ",
                  request_reference="GDPR-2026-002").success
    assert jill not in _staged_ids(org)
    deal = by_id(org.warehouse, "deals")[upgrade]
    assert (deal["primary_contact_id"], deal["contact_count"]) == (None, 0)
    assert (deal["email_count"], deal["activity_count"]) == (0, 0)  # her email and call
    assert "Jill" not in _warehouse_text(org) and "jill" not in _warehouse_text(org).lower()
    # The outbox: unsent rows of the deal and the person are gone; the sent Task keeps its key
    # and Task Id (exactly-once) without the person's link or text; other rows are untouched.
    outbox = {r["sync_key"]: r for r in org.warehouse.query("select * from sync_back.sync_back_tasks")}
    assert set(outbox) == {"sent-jill", "other"}
    assert (outbox["sent-jill"]["task_id"], outbox["sent-jill"]["who_id"],
            outbox["sent-jill"]["subject"]) == ("00T000000000001AAA", None, None)
    assert outbox["other"]["subject"] == "Call about Upgrade"
    assert "Jill" not in repr(org.warehouse.query("select * from sync_back.sync_back_log"))

    # Salesforce still has both, and they change: the next syncs must not bring them back.
    time.sleep(1.1)
    control.update("Opportunity", platform, {"Amount": 99000})
    control.update("Contact", jill, {"Title": "CFO"})
    control.insert("Task", {"WhatId": platform, "Subject": "Follow-up", "Status": "Not Started",
                            "Priority": "Normal"})
    time.sleep(1.1)
    assert extract(org.emulator, org.warehouse, suite_settings(lookback_minutes=0),
                   incremental=True).success
    transform(org.warehouse, settings)
    assert platform not in by_id(org.warehouse, "deals")
    transform(org.warehouse, settings, full_rebuild=True)
    assert {platform, jill} & _staged_ids(org) == set()
    assert platform not in by_id(org.warehouse, "deals")
    assert placement_problems(org.warehouse) == []

    # The audit log says what happened, not to whom.
    log = org.warehouse.query("select * from warehouse.purge_log order by requested_at")
    assert [(r["subject_kind"], r["request_reference"], r["records_erased"]) for r in log] == [
        ("opportunity", "GDPR-2026-001", 9), ("email", "GDPR-2026-002", 4)]
    audit = repr(log) + repr(org.warehouse.query("select * from warehouse.purge_tombstones"))
    for personal in (platform, platform[:15], jill, "Jill", "jill.quist", "Initech - Platform"):
        assert personal not in audit


def test_a_purge_request_must_name_one_subject_and_no_personal_data(warehouse):
    settings = warehouse_settings(EVERYONE)

    def purge(**config):
        return build_purge_job(settings).execute_in_process(
            run_config={"ops": {"purge_subject": {"config": config}}},
            resources={"warehouse": warehouse}, raise_on_error=False)

    both = purge(opportunity_id="006000000000001", email="a@b.example", request_reference="G-1")
    leaky = purge(email="jill.quist@globex.example",
                  request_reference="ticket from jill.quist@globex.example")
    wrong_object = purge(contact_id="0065g0000000001AAA", request_reference="GDPR-2026-003")

    def error(result):
        assert not result.success
        return str(result.failure_data_for_node("purge_subject").error)

    assert "purge config: give exactly one of opportunity_id, contact_id or email" in error(both)
    assert "request_reference: must not contain an email address" in error(leaky)
    assert "contact_id: '0065g0000000001AAA' is not a Salesforce Contact Id" in error(
        wrong_object)
    assert not warehouse.table_exists("warehouse", "purge_log")  # nothing was touched
