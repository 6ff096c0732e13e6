"""A fresh deployment: the schedule is on by default, so the first tick can come before any
backfill. It must leave a staging table for every object, even one with nothing to read."""

import pytest

from resources.staging.naming import table_name
from tests.support.pipeline import extract

pytestmark = pytest.mark.slow


def test_first_tick_without_backfill_creates_every_staging_table(emulator, duckdb_warehouse):
    assert extract(emulator, duckdb_warehouse, incremental=True).success
    for name in ("Account", "Opportunity", "Task", "EmailMessage"):
        assert duckdb_warehouse.table_exists("staging", table_name(name)), name
