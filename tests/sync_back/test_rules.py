"""Follow-up rules are data: the outbox asset turns matching deals into one row per Task, with
deterministic keys, so re-running never queues the same follow-up twice."""

import re
from datetime import timedelta

import pytest

from assets.sync_back.rules import RuleError, period_label
from resources.settings.sync_back import FollowUpRule

from .support import outbox, queue, run_outbox, settings_with, task_row, today
from .tables import deal_tables, sf_id

OWNER, CONTACT = sf_id("005", 1), sf_id("003", 1)
STALE, OVERDUE, WON, FRESH = (sf_id("006", n) for n in range(1, 5))


def _deals():
    day = today()
    base = {"account_name": "Globex", "owner_id": OWNER, "stage_name": "Prospecting",
            "is_closed": False, "is_won": False, "created_date": day - timedelta(days=90)}
    return [
        {**base, "opportunity_id": STALE, "opportunity_name": "Renewal",
         "close_date": day + timedelta(days=30), "last_activity_date": day - timedelta(days=40),
         "primary_contact_id": CONTACT, "next_step": "Send quote"},
        {**base, "opportunity_id": OVERDUE, "opportunity_name": "Expansion",
         "close_date": day - timedelta(days=5), "last_activity_date": day - timedelta(days=3),
         "primary_contact_id": CONTACT},
        {**base, "opportunity_id": WON, "opportunity_name": "Won", "is_closed": True,
         "is_won": True, "close_date": day - timedelta(days=50)},
        {**base, "opportunity_id": FRESH, "opportunity_name": "Pilot",
         "close_date": day + timedelta(days=9), "last_activity_date": day,
         "created_date": day - timedelta(days=2)},
    ]


def test_default_rules_queue_the_expected_tasks_with_links_and_dates(warehouse):
    deal_tables(warehouse, _deals())
    week = period_label(FollowUpRule(name="x", when="true", subject="s"), today())

    metadata = run_outbox(warehouse, settings_with())

    rows = outbox(warehouse, "")
    assert sorted(rows) == [f"close_date_passed:{OVERDUE}:{week}", f"stale_deal:{STALE}:{week}"]
    stale = rows[f"stale_deal:{STALE}:{week}"]
    assert (stale["what_id"], stale["who_id"], stale["owner_id"]) == (STALE, CONTACT, OWNER)
    assert stale["activity_date"] == (today() + timedelta(days=2)).isoformat()
    assert stale["subject"] == "Follow up on Renewal"
    assert stale["description"] == ("No activity on Renewal (Globex) for 40 days. "
                                    "Next step: Send quote")
    assert stale["reason"] == "open deal with no activity for 40 days (rule stale_deal: 14+)"
    overdue = rows[f"close_date_passed:{OVERDUE}:{week}"]
    assert (overdue["who_id"], overdue["priority"], overdue["subject"]) == (None, "High",
                                                                            "Update close date")
    assert overdue["activity_date"] == (today() + timedelta(days=1)).isoformat()
    assert {r["source"] for r in rows.values()} == {"rule"}
    assert metadata["queued"] == 2 and metadata["queued_by_rule"] == {
        "stale_deal": 1, "close_date_passed": 1}

    again = run_outbox(warehouse, settings_with())
    assert again["queued"] == 0 and len(outbox(warehouse, "")) == 2


def test_custom_rule_from_settings(duckdb_warehouse):
    deal_tables(duckdb_warehouse, _deals())
    rule = {"name": "big_open_deal", "when": "not is_closed and opportunity_name = 'Pilot'",
            "subject": "Review {opportunity_name} for {account_name}", "due_in_days": 7,
            "priority": "Low", "task_subtype": "Call", "period": "once",
            "reason": "pilot closes on {close_date}"}

    run_outbox(duckdb_warehouse, settings_with(rules=[rule]))

    (row,) = outbox(duckdb_warehouse, "").values()
    assert row["sync_key"] == f"big_open_deal:{FRESH}:once"
    assert (row["subject"], row["priority"], row["task_subtype"]) == (
        "Review Pilot for Globex", "Low", "Call")
    assert row["reason"] == f"pilot closes on {(today() + timedelta(days=9)).isoformat()}"


@pytest.mark.parametrize("rule, message", [
    ({"when": "no_such_column > 1"}, "sync_back.rules[broken].when"),
    ({"subject": "Call {no_such_column}"}, "unknown placeholder {no_such_column}"),
])
def test_a_broken_rule_fails_the_outbox_naming_the_setting(duckdb_warehouse, rule, message):
    deal_tables(duckdb_warehouse, _deals())
    settings = settings_with(rules=[{"name": "broken", "when": "true", "subject": "x", **rule}])
    with pytest.raises(RuleError, match=re.escape(message)):
        run_outbox(duckdb_warehouse, settings)


def test_outbox_normalises_15_character_ids_to_18(duckdb_warehouse):
    deal_tables(duckdb_warehouse, [])
    opp15 = "0065g0000000001"
    queue(duckdb_warehouse, [task_row("ext-1", opp15, owner_id="0055g0000000002",
                                      who_id="0035g0000000001")])

    metadata = run_outbox(duckdb_warehouse, settings_with())

    row = outbox(duckdb_warehouse, "ext-")["ext-1"]
    assert (row["what_id"], row["owner_id"], row["who_id"]) == (
        "0065g0000000001AAA", "0055g0000000002AAA", "0035g0000000001AAA")
    assert metadata["ids_normalised_15_to_18"] == 1


def test_period_labels():
    rule = FollowUpRule(name="r", when="true", subject="s")
    day = today().replace(year=2025, month=2, day=11)
    labels = {p: period_label(rule.model_copy(update={"period": p}), day)
              for p in ("once", "day", "week", "month")}
    assert labels == {"once": "once", "day": "2025-02-11", "week": "2025-W07", "month": "2025-02"}
