"""Backfill, then incremental ticks while the org changes: staging must equal the emulator."""

from datetime import datetime, timedelta, timezone

import pytest

from emulator.client import Control
from emulator.server import Emulator
from tests.support.pipeline import emulator_rows, extract, staged_rows

CHECKED = ["SystemModstamp", "StageName", "Amount", "IsDeleted", "Name"]


@pytest.fixture
def emulator(tmp_path):
    with Emulator(org="demo", scale="small", seed=11, state_dir=tmp_path / "emu") as emu:
        yield emu


def _iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_backfill_then_ticks_converge_to_the_emulator(emulator, warehouse):
    control = Control(emulator.base_url, emulator.ca_path)
    result = extract(emulator, warehouse)
    assert result.success
    assert staged_rows(warehouse, "Opportunity", CHECKED) == emulator_rows(emulator, "Opportunity", CHECKED)

    # Changes between ticks: an update, an insert, a delete, and a late commit whose
    # SystemModstamp sits just behind the high-water mark the first tick will set.
    opps = sorted(emulator_rows(emulator, "Opportunity", ["IsDeleted"]))
    control.update("Opportunity", opps[0], {"StageName": "Negotiation/Review"})
    control.delete("Opportunity", opps[1])
    assert extract(emulator, warehouse, incremental=True).success
    mark = warehouse.get_high_water_mark("Opportunity")
    control.update("Opportunity", opps[2], {"Amount": 4242.0,
                                            "SystemModstamp": _iso(mark - timedelta(minutes=3))})
    control.insert("Opportunity", {"Name": "Late deal", "StageName": "Prospecting",
                                   "CloseDate": "2031-01-01", "OwnerId": _any_user(emulator)})
    import time
    time.sleep(1.1)  # the next tick's window ends at the current second
    assert extract(emulator, warehouse, incremental=True).success

    assert staged_rows(warehouse, "Opportunity", CHECKED) == emulator_rows(emulator, "Opportunity", CHECKED)
    staged = staged_rows(warehouse, "Opportunity", ["IsDeleted"])
    assert staged[opps[1]] == (True,)
    versions = warehouse.scalar("select count(*) from staging.opportunity_versions")
    distinct = warehouse.scalar("select count(*) from (select distinct id, system_modstamp "
                                "from staging.opportunity_versions) v")
    assert versions == distinct


def _any_user(emulator) -> str:
    return emulator.store.con.execute('SELECT "Id" FROM "User" WHERE "IsActive" LIMIT 1').fetchone()[0]
