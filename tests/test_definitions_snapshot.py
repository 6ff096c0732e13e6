"""What the shipped dealsync.yaml puts in Dagster: every asset key with its group, every asset
check, job, schedule and sensor, compared with tests/fixtures/definitions_snapshot.txt.

A rename or a lost asset shows here first, as a diff. When the change is meant, write the
new snapshot with `DEALSYNC_UPDATE_SNAPSHOT=1 pytest tests/test_definitions_snapshot.py` and
commit it beside the change."""

import difflib
import os
from pathlib import Path

from pipelines.definitions import build_definitions
from pipelines.resources import build_resources
from resources.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "fixtures" / "definitions_snapshot.txt"


def _definitions():
    return build_definitions(load_settings(ROOT / "dealsync.yaml"), build_resources())


def _describe() -> list[str]:
    definitions = _definitions()
    graph = definitions.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        partitions = type(node.partitions_def).__name__ if node.partitions_def else "-"
        lines.append(f"asset {key.to_user_string()} group={node.group_name} "
                     f"partitions={partitions}")
    for check in sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(),
                                                               k.name)):
        blocking = graph.get(check).blocking
        lines.append(f"check {check.asset_key.to_user_string()}:{check.name} "
                     f"blocking={blocking}")
    repository = definitions.get_repository_def()
    lines += [f"job {job.name}" for job in sorted(repository.get_all_jobs(),
                                                   key=lambda j: j.name)
              if not job.name.startswith("__")]
    lines += [f"schedule {s.name} cron={s.cron_schedule} job={s.job_name}"
              for s in sorted(repository.schedule_defs, key=lambda s: s.name)]
    lines += [f"sensor {s.name}" for s in sorted(repository.sensor_defs, key=lambda s: s.name)]
    return lines


def test_every_asset_check_job_schedule_and_sensor_matches_the_snapshot():
    current = _describe()
    if os.environ.get("DEALSYNC_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text("\n".join(current) + "\n")
    expected = SNAPSHOT.read_text().splitlines()
    diff = "\n".join(difflib.unified_diff(expected, current, "snapshot", "now", lineterm=""))
    assert current == expected, (
        f"The definitions changed:\n{diff}\nIf that is meant, run "
        "DEALSYNC_UPDATE_SNAPSHOT=1 pytest tests/test_definitions_snapshot.py and commit "
        f"{SNAPSHOT.relative_to(ROOT)}.")


def test_every_deal_model_is_built_after_the_extraction():
    """A model with no extraction upstream (one built from the settings alone) would be
    launched by a backfill at once, before any staging table exists, and fail."""
    graph = _definitions().resolve_asset_graph()
    orphans = [key.to_user_string() for key in graph.get_all_asset_keys()
               if key.path[0] == "deal_warehouse"
               and not any(up.path[0] == "salesforce" for up in graph.upstream_key_iterator(key))]
    assert not orphans, orphans
