"""The busy hour, compressed: a UI backfill launched over GraphQL while the org changes and the
schedule ticks every minute, the daemon killed and restarted mid-backfill, then a quiet tick.
Everything observed is kept in `Observations`; the tests assert on it."""

import time
from dataclasses import dataclass, field

import dagster as dg
from dagster import RunsFilter

from .observe import PoolSampler, wait_for_idle
from .processes import wait_until

REPOSITORY = {"repositoryLocationName": "dealsync", "repositoryName": "__repository__"}
TICK_SCHEDULE = "incremental_sync_schedule"
POOLS = ["salesforce_api", "deal_warehouse"]

LAUNCH_BACKFILL = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on Error { message }
  }
}"""
BACKFILL = """
query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill { status numPartitions error { message } }
    ... on Error { message }
  }
}"""
SCHEDULE = """
query($selector: ScheduleSelector!) {
  scheduleOrError(scheduleSelector: $selector) {
    __typename
    ... on Schedule { id scheduleState { status ticks(limit: 200) {
        status timestamp runIds error { message } } } }
    ... on Error { message }
  }
}"""
STOP_SCHEDULE = """
mutation($id: String!) {
  stopRunningSchedule(id: $id) {
    __typename
    ... on ScheduleStateResult { scheduleState { status } }
    ... on Error { message }
  }
}"""
START_SCHEDULE = """
mutation($selector: ScheduleSelector!) {
  startSchedule(scheduleSelector: $selector) {
    __typename
    ... on ScheduleStateResult { scheduleState { status } }
    ... on Error { message }
  }
}"""
ASSET_GROUPS = """
{ assetNodes { assetKey { path } groupName isPartitioned } }"""


@dataclass
class Observations:
    backfill_id: str = ""
    backfill_status: str = ""
    partitions: list[str] = field(default_factory=list)
    backfill_runs_at_kill: int = 0
    status_at_kill: str = ""
    status_after_restart: str = ""
    ticks: list[dict] = field(default_factory=list)
    ticks_during_backfill: int = 0
    quiet_tick_run: str = ""
    pools: dict = field(default_factory=dict)
    sampler_errors: list[str] = field(default_factory=list)
    seconds: dict = field(default_factory=dict)


def backfill_status(dagster, backfill_id: str) -> dict:
    result = dagster.graphql(BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]
    if result["__typename"] != "PartitionBackfill":
        raise RuntimeError(f"backfill {backfill_id}: {result}")
    return result


def schedule(dagster) -> dict:
    result = dagster.graphql(SCHEDULE, {"selector": {**REPOSITORY,
                                                     "scheduleName": TICK_SCHEDULE}})
    if result["scheduleOrError"]["__typename"] != "Schedule":
        raise RuntimeError(f"schedule {TICK_SCHEDULE}: {result}")
    return result["scheduleOrError"]


def set_schedule(dagster, running: bool) -> None:
    """The schedule's on/off toggle in the UI."""
    if running:
        result = dagster.graphql(START_SCHEDULE, {"selector": {
            **REPOSITORY, "scheduleName": TICK_SCHEDULE}})["startSchedule"]
    else:
        result = dagster.graphql(STOP_SCHEDULE, {"id": schedule(dagster)["id"]})[
            "stopRunningSchedule"]
    if result["__typename"] != "ScheduleStateResult":
        raise RuntimeError(f"switching {TICK_SCHEDULE} {'on' if running else 'off'}: {result}")


def launch_backfill(dagster, partitions: list[str], groups: tuple[str, ...]) -> str:
    """The call the UI's "Materialize" -> "Launch backfill" dialog makes for the chosen assets."""
    nodes = dagster.graphql(ASSET_GROUPS)["assetNodes"]
    selection = [{"path": n["assetKey"]["path"]} for n in nodes if n["groupName"] in groups
                 and (n["isPartitioned"] or n["groupName"] != "salesforce")]
    result = dagster.graphql(LAUNCH_BACKFILL, {"params": {
        "partitionNames": partitions, "assetSelection": selection, "fromFailure": False,
        "tags": [], "title": "ops suite: every partition"}})["launchPartitionBackfill"]
    if result["__typename"] != "LaunchBackfillSuccess":
        raise RuntimeError(f"launchPartitionBackfill failed: {result}")
    return result["backfillId"]


def run_scenario(dagster, instance, control, partitions: list[str],
                 timeout_s: float = 1500) -> Observations:
    """Backfill, daemon killed at its first run; ticks from the first finished backfill run
    on, the org changing until the first tick runs; then a quiet tick."""
    seen = Observations(partitions=partitions)
    started = time.monotonic()
    with PoolSampler(instance, POOLS) as sampler:
        seen.backfill_id = launch_backfill(dagster, partitions, ("salesforce", "deal_warehouse"))
        backfill_filter = RunsFilter(tags={"dagster/backfill": seen.backfill_id})
        launched = time.time()

        # Kill the daemon as soon as the backfill has submitted its first run.
        wait_until(lambda: instance.get_runs_count(filters=backfill_filter), 300,
                   "the backfill daemon to submit a run")
        dagster.daemon.kill()
        seen.backfill_runs_at_kill = instance.get_runs_count(filters=backfill_filter)
        seen.status_at_kill = backfill_status(dagster, seen.backfill_id)["status"]
        time.sleep(5)
        dagster.start_daemon()
        seen.status_after_restart = backfill_status(dagster, seen.backfill_id)["status"]

        # Ticks start once the first backfill run has landed its objects (a tick before any
        # backfill is test_first_tick.py's case), and run beside the rest of the backfill.
        done_filter = RunsFilter(tags={"dagster/backfill": seen.backfill_id},
                                 statuses=[dg.DagsterRunStatus.SUCCESS])
        wait_until(lambda: instance.get_runs_count(filters=done_filter), timeout_s,
                   "the first backfill run to succeed", interval_s=2)
        set_schedule(dagster, running=True)
        wait_until(lambda: _tick_runs(instance, STARTED), timeout_s, "the first tick run to start",
                   interval_s=2)
        control.live(0)  # the org goes quiet
        quiet_since = time.time() + 1

        done = wait_until(lambda: _finished(dagster, seen.backfill_id), timeout_s,
                          "the backfill to finish", interval_s=2)
        seen.backfill_status = done["status"]
        finished = time.time()
        seen.seconds["backfill"] = round(finished - launched, 1)
        seen.ticks_during_backfill = sum(1 for t in schedule(dagster)["scheduleState"]["ticks"]
                                         if t["runIds"] and launched <= t["timestamp"] <= finished)

        # The last word: a tick evaluated after the org went quiet, and its run finished.
        run = wait_until(lambda: _tick_run_after(dagster, instance, quiet_since), timeout_s,
                         "a schedule tick after live mode stopped to finish", interval_s=2)
        seen.quiet_tick_run = run.run_id
        set_schedule(dagster, running=False)
        wait_for_idle(instance, timeout_s)
    seen.ticks = schedule(dagster)["scheduleState"]["ticks"]
    seen.pools = sampler.peak
    seen.sampler_errors = sampler.errors
    seen.seconds["scenario"] = round(time.monotonic() - started, 1)
    return seen


STARTED = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]


def _tick_runs(instance, statuses) -> int:
    return instance.get_runs_count(filters=RunsFilter(
        tags={"dagster/schedule_name": TICK_SCHEDULE}, statuses=statuses))


def _finished(dagster, backfill_id: str) -> dict | None:
    status = backfill_status(dagster, backfill_id)
    in_flight = {"REQUESTED", "CANCELING", "FAILING"}
    return status if status["status"] not in in_flight else None


def _tick_run_after(dagster, instance, since: float):
    """The finished run of a tick evaluated after `since`, if any."""
    for tick in schedule(dagster)["scheduleState"]["ticks"]:
        if tick["timestamp"] < since or not tick["runIds"]:
            continue
        run = instance.get_run_by_id(tick["runIds"][0])
        if run is not None and run.is_finished:
            return run
    return None
