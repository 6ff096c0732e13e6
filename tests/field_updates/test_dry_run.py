"""A dry run previews each record's before and after values and sends nothing."""

import pytest
from salesforce_emulator.client import Control

from .support import desired, log, opportunities, run_fields, settings_with, stage

pytestmark = pytest.mark.slow  # real extraction + emulator per test


def test_dry_run_previews_before_and_after_and_sends_nothing(emulator, warehouse):
    stage(emulator, warehouse)
    opps = opportunities(emulator)
    renewal, pilot = opps["Globex - Renewal"], opps["Globex - Pilot"]
    desired(warehouse, [{"opportunity_id": renewal["Id"], "next_step": "Call Hank"},
                        {"opportunity_id": pilot["Id"], "description": "Pilot with 3 teams"}])
    control = Control(emulator.base_url, emulator.ca_path)
    control.reset_counters()

    _, preview = run_fields(emulator, warehouse, settings_with(dry_run=True))

    assert control.counters()["by_kind"].get("composite", 0) == 0
    assert opportunities(emulator)["Globex - Renewal"]["SystemModstamp"] == \
        renewal["SystemModstamp"]
    assert (preview["dry_run"], preview["would_send"]) == (True, 2)
    assert "Call Hank" in preview["preview"] and renewal["Id"] in preview["preview"]
    rows = warehouse.query("select record_id, field, before_value, after_value, why "
                           "from sync_back.field_update_preview order by field")
    assert [(r["record_id"], r["field"], r["before_value"], r["after_value"]) for r in rows] == [
        (pilot["Id"], "Description", None, "Pilot with 3 teams"),
        (renewal["Id"], "NextStep", None, "Call Hank")]
    assert all("desired" in r["why"] for r in rows)
    assert log(warehouse) == []

    _, real = run_fields(emulator, warehouse, settings_with())
    assert real["sent"] == 2
    assert opportunities(emulator)["Globex - Renewal"]["NextStep"] == "Call Hank"
