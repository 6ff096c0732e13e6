"""A UI-style backfill of every partition becomes a bounded number of runs, not one per
partition per object: the backfill daemon's own iteration, on a real Dagster instance, with the
code location loaded from pipelines.definitions the way `dagster dev` loads it."""

import logging
import math
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.execution.backfill import PartitionBackfill
from dagster._core.storage.dagster_run import RunsFilter
from dagster._core.test_utils import create_test_daemon_workspace_context
from dagster._core.workspace.load_target import ModuleTarget
from dagster._daemon.backfill import execute_backfill_iteration

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_full_range_backfill_runs_as_ceil_partitions_over_max_per_run(tmp_path, monkeypatch):
    settings = tmp_path / "settings.yaml"
    settings.write_text("extraction:\n  start_date: 400 days ago\n  max_partitions_per_run: 5\n")
    monkeypatch.setenv("DEALSYNC_CONFIG", str(settings))
    target = ModuleTarget(module_name="pipelines.definitions", attribute=None,
                          working_directory=str(ROOT), location_name="dealsync")
    with dg.instance_for_test() as instance:
        with create_test_daemon_workspace_context(target, instance) as workspace:
            request = workspace.create_request_context()
            graph = request.asset_graph
            keys = [k for k in graph.get_all_asset_keys()
                    if k.path[0] == "salesforce" and graph.get(k).is_partitioned]
            assert len(keys) == 10  # one asset per default object
            partitions = graph.get(keys[0]).partitions_def.get_partition_keys()
            instance.add_backfill(PartitionBackfill.from_asset_partitions(
                backfill_id="everything", asset_graph=graph, partition_names=None,
                asset_selection=keys, backfill_timestamp=time.time(), tags={},
                dynamic_partitions_store=instance, all_partitions=True, title="all time",
                description=None, run_config=None))
            for _ in range(3):
                list(execute_backfill_iteration(workspace, logging.getLogger("backfill")))
            runs = instance.get_runs(filters=RunsFilter(tags={"dagster/backfill": "everything"}))
    assert len(partitions) in (14, 15)  # monthly, the current month included
    assert len(runs) == math.ceil(len(partitions) / 5) == 3
    covered = sorted((r.tags["dagster/asset_partition_range_start"],
                      r.tags["dagster/asset_partition_range_end"]) for r in runs)
    assert covered[0][0] == partitions[0] and covered[-1][1] == partitions[-1]
