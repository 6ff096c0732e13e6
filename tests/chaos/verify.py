"""After the chaos: the warehouse against the org itself, record by record.

Per object: missing (in the org, not staged), stale (staged with another SystemModstamp,
IsDeleted or value), extra (staged as live, gone from the org and not marked purged) and
duplicate rows. Every live opportunity in exactly one of deals and deal_skips. Tasks: a sync
key in more than one Salesforce Task is a duplicate; an outbox row not delivered, or delivered
to a Task that does not exist, or a Task whose key the outbox does not hold as sent, is lost.
"""

import re
from collections import Counter

from resources.settings.catalog import DEFAULT_OBJECTS
from resources.staging.naming import column_name, table_name
from tests.ops.observe import duplicate_versions, org_state, staged_state

CHECKED = {"Opportunity": ["Amount", "NextStep", "StageName", "CloseDate"],
           "Contact": ["Title", "LastName"], "Account": ["Industry"],
           "Task": ["Subject", "Status"]}
TASK_KEY = re.compile(r"\[dealsync:([^\]]+)\]")


def _same(staged, org) -> bool:
    if hasattr(staged, "isoformat") and isinstance(org, str):
        staged = staged.isoformat()[:len(org)]
    return staged == org


def compare_object(control, warehouse, name: str) -> dict:
    org, staged = org_state(control, name), staged_state(warehouse, name)
    missing = sorted(set(org) - set(staged))
    extra = sorted(i for i in set(staged) - set(org) if not staged[i][1])  # purged: marked
    stale = {i for i in set(org) & set(staged) if org[i] != staged[i]}
    fields = CHECKED.get(name, [])
    if fields:
        values = {r["Id"]: r for r in control.records(name)}
        rows = warehouse.query(f"select id, {', '.join(column_name(f) for f in fields)} "
                               f"from staging.{table_name(name)}")
        stale |= {r["id"] for r in rows if r["id"] in values and not all(
            _same(r[column_name(f)], values[r["id"]].get(f)) for f in fields)}
    return {"org_records": len(org), "staged": len(staged), "missing": len(missing),
            "stale": len(stale), "extra": len(extra),
            "duplicate_rows": duplicate_versions(warehouse, name),
            "examples": {"missing": missing[:3], "stale": sorted(stale)[:3],
                         "extra": extra[:3]}}


def compare_staging(control, warehouse) -> dict[str, dict]:
    return {name: compare_object(control, warehouse, name) for name in DEFAULT_OBJECTS}


def compare_deals(control, warehouse) -> dict:
    live = {r["Id"] for r in control.records("Opportunity") if not r["IsDeleted"]}
    deals = Counter(r["opportunity_id"] for r in warehouse.query(
        "select opportunity_id from warehouse.deals"))
    skips = Counter(r["opportunity_id"] for r in warehouse.query(
        "select opportunity_id from warehouse.deal_skips"))
    placed = deals + skips
    return {"live_opportunities": len(live), "deals": sum(deals.values()),
            "deal_skips": sum(skips.values()),
            "in_neither": len(live - set(placed)),
            "in_both_or_twice": sum(1 for i in live if placed[i] > 1),
            "not_live_but_placed": len(set(placed) - live)}


def compare_tasks(control, warehouse) -> dict:
    tasks = [t for t in control.records("Task") if not t["IsDeleted"]]
    written = Counter(m.group(1) for t in tasks
                      if (m := TASK_KEY.search(t.get("Description") or "")))
    outbox = warehouse.query("select sync_key, sync_status, task_id from "
                             "sync_back.sync_back_tasks")
    task_ids = {t["Id"] for t in tasks}
    sent = {r["sync_key"] for r in outbox if r["sync_status"] == "sent"}
    undelivered = [r["sync_key"] for r in outbox if r["sync_status"] != "sent"]
    lost_writes = [r["sync_key"] for r in outbox
                   if r["sync_status"] == "sent" and r["task_id"] not in task_ids]
    unrecorded = sorted(set(written) - sent)
    return {"outbox_rows": len(outbox), "tasks_written": sum(written.values()),
            "statuses": dict(Counter(r["sync_status"] for r in outbox)),
            "duplicate_tasks": sum(n - 1 for n in written.values() if n > 1),
            "lost_tasks": len(undelivered) + len(lost_writes) + len(unrecorded),
            "examples": {"undelivered": undelivered[:3], "lost_writes": lost_writes[:3],
                         "unrecorded": unrecorded[:3]}}
