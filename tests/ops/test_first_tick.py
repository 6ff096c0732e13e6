"""Day one of a deployment: the schedule is on by default, so its first tick can run before
anyone has backfilled. That tick must succeed (or skip), not fail the run: a failed tick pages
someone for a deployment that is working as designed.

In-process (the real `incremental_sync` job from pipelines.definitions, the emulator's demo
org, a DuckDB warehouse), so it is deterministic; the busy-hour scenario avoids this case by
switching the schedule on after the first backfill run.
"""


import dagster as dg
import pytest

from assets.keys import MODE_TAG
from assets.salesforce.partitions import current_window_key

pytestmark = [pytest.mark.ops, pytest.mark.slow]


def test_the_first_tick_before_any_backfill_succeeds(tmp_path, monkeypatch):
    from salesforce_emulator.server import Emulator

    from pipelines import definitions

    with Emulator(org="demo", scale="small", seed=3, state_dir=tmp_path / "emu") as emulator:
        c = emulator.credentials
        for name, value in {"SALESFORCE_INSTANCE_URL": emulator.base_url,
                            "SALESFORCE_CA_BUNDLE": str(emulator.ca_path),
                            "SALESFORCE_CLIENT_ID": c.client_id,
                            "SALESFORCE_CLIENT_SECRET": c.client_secret,
                            "DEALSYNC_WAREHOUSE": "duckdb",
                            "DEALSYNC_DUCKDB_PATH": str(tmp_path / "dealsync.duckdb")}.items():
            monkeypatch.setenv(name, value)
        job = definitions.defs().resolve_job_def("incremental_sync")
        with dg.instance_for_test() as instance:
            result = job.execute_in_process(instance=instance, partition_key=current_window_key(),
                                            tags={MODE_TAG: "incremental"}, raise_on_error=False)
    failed = {e.step_key: e.event_specific_data.error.message.splitlines()[0]
              for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE}
    checks = [e.event_specific_data.description for e in result.all_events
              if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
              and not e.event_specific_data.passed]
    assert result.success, f"failed steps {failed}; failed checks: {checks[:3]}"
