"""What a user checks after a busy hour, read from the Dagster instance and the warehouse: run
outcomes, step overlap per pool, errors in run logs, duplicates, staging against the org."""

import re
import threading
import time
from collections import Counter
from datetime import datetime, timezone

import dagster as dg

from resources.staging.naming import table_name

STEP_END = {dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE,
            dg.DagsterEventType.STEP_SKIPPED}
LOCK_OR_CONCURRENCY_ERROR = re.compile(
    r"deadlock|database is locked|could not obtain lock|lock ?timeout|LockNotAvailable|"
    r"could not serialize|Conflicting lock|WarehouseLockTimeout|could not set lock|"
    r"concurrency (?:limit|slot).*(?:exceeded|error)|UniqueViolation|duplicate key", re.I)


def max_overlap(intervals: list[tuple[float, float]]) -> int:
    """The most intervals open at one instant (an end at t closes before a start at t opens)."""
    edges = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals],
                   key=lambda e: (e[0], e[1]))
    open_now = peak = 0
    for _, delta in edges:
        open_now += delta
        peak = max(peak, open_now)
    return peak


def step_intervals(instance, run_ids: list[str]) -> dict[str, list[tuple[float, float]]]:
    """step name -> [(started, finished)] over every run, from STEP_START and its end event."""
    intervals: dict[str, list[tuple[float, float]]] = {}
    for run_id in run_ids:
        started = {}
        for entry in instance.all_logs(run_id, of_type={dg.DagsterEventType.STEP_START, *STEP_END}):
            key = entry.step_key
            if entry.dagster_event_type == dg.DagsterEventType.STEP_START:
                started[key] = entry.timestamp
            elif key in started:
                intervals.setdefault(key.split("[")[0], []).append((started.pop(key),
                                                                     entry.timestamp))
        for key, start in started.items():  # a step that never ended counts as still open
            intervals.setdefault(key.split("[")[0], []).append((start, float("inf")))
    return intervals


def overlap_by_pool(intervals: dict, pools: dict[str, str]) -> dict[str, dict]:
    """pool -> {"steps": n, "max_concurrent": n} for steps whose op belongs to a pool."""
    by_pool: dict[str, list] = {}
    for step, spans in intervals.items():
        if pools.get(step):
            by_pool.setdefault(pools[step], []).extend(spans)
    return {pool: {"steps": len(spans), "max_concurrent": max_overlap(spans)}
            for pool, spans in by_pool.items()}


def run_overlap(records, predicate) -> int:
    spans = [(r.start_time, r.end_time or float("inf")) for r in records
             if r.start_time and predicate(r.dagster_run)]
    return max_overlap(spans)


def lock_or_concurrency_errors(instance, run_ids: list[str]) -> list[str]:
    """Log entries of any level that read like a lock, deadlock or concurrency error."""
    found = []
    for run_id in run_ids:
        for entry in instance.all_logs(run_id):
            text = entry.message or ""
            event = entry.dagster_event
            if event is not None and event.event_specific_data is not None:
                error = getattr(event.event_specific_data, "error", None)
                text += " " + (error.to_string() if error is not None else "")
            if LOCK_OR_CONCURRENCY_ERROR.search(text):
                found.append(f"{run_id[:8]} {entry.step_key or '-'}: {text[:500]}")
    return found


BLOCKED = re.compile(r"Step (?:still )?blocked by limit for pool (\S+)")


def steps_blocked_by_pool(instance, run_ids: list[str]) -> Counter:
    """pool -> steps that had to wait for a slot ("Step blocked by limit for pool ...")."""
    blocked = Counter()
    for run_id in run_ids:
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
            match = BLOCKED.match(entry.message or "")
            if match and "still" not in entry.message:
                blocked[match.group(1)] += 1
    return blocked


def materializations_per_partition(instance, run_ids: list[str]) -> Counter:
    """(asset, partition) -> how many times these runs materialized it."""
    seen = Counter()
    for run_id in run_ids:
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
            m = entry.dagster_event.step_materialization_data.materialization
            seen[(m.asset_key.to_user_string(), m.partition)] += 1
    return seen


def step_started(instance, run_id: str, pool: str, pools: dict) -> bool:
    """Whether a step of the run that takes a slot of `pool` has started."""
    return any(pools.get((e.step_key or "").split("[")[0]) == pool
               for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_START))


def worker_pid(instance, run_id: str) -> int:
    """The pid of the run's worker process (LocalRunLauncher's "Started process" event)."""
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        metadata = entry.dagster_event.engine_event_data.metadata or {}
        if "pid" in metadata and entry.message.startswith("Started process"):
            return int(metadata["pid"].value)
    raise AssertionError(f"run {run_id} recorded no worker process")


class PoolSampler:
    """Polls the instance's pool tables: the most slots held and steps waiting, per pool."""

    def __init__(self, instance, pools: list[str], interval_s: float = 0.5):
        self.instance, self.pools, self.interval_s = instance, pools, interval_s
        self.peak = {p: {"claimed": 0, "pending": 0, "limit": None, "samples": 0} for p in pools}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pool-sampler", daemon=True)
        self.errors: list[str] = []

    def __enter__(self) -> "PoolSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            for pool in self.pools:
                try:
                    info = self.instance.event_log_storage.get_concurrency_info(pool)
                except Exception as exc:  # recorded and asserted on: a sampler must not die
                    self.errors.append(f"{pool}: {exc}")
                    continue
                peak = self.peak[pool]
                peak["claimed"] = max(peak["claimed"], info.active_slot_count)
                peak["pending"] = max(peak["pending"], info.pending_step_count)
                peak["limit"], peak["samples"] = info.slot_count, peak["samples"] + 1


# ----- warehouse against the emulator ----------------------------------------------------------

def _stamp(value) -> str:
    """Emulator JSON ('2026-11-21T20:35:07.000+0000') and staging (naive UTC) alike."""
    if isinstance(value, str):
        value = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds")


def org_state(control, object_name: str) -> dict[str, tuple]:
    """Id -> (SystemModstamp, IsDeleted) as Salesforce has it, recycle bin included."""
    return {r["Id"]: (_stamp(r["SystemModstamp"]), bool(r.get("IsDeleted", False)))
            for r in control.records(object_name)}


def staged_state(warehouse, object_name: str) -> dict[str, tuple]:
    table = table_name(object_name)
    columns = {r["column_name"] for r in warehouse.query(
        "select column_name from information_schema.columns where table_schema = 'staging' "
        "and table_name = :t", {"t": table})}
    deleted = "is_deleted" if "is_deleted" in columns else "false"
    rows = warehouse.query(f"select id, system_modstamp, {deleted} as d from staging.{table}")
    return {r["id"]: (_stamp(r["system_modstamp"]), bool(r["d"])) for r in rows}


def duplicate_versions(warehouse, object_name: str) -> int:
    """Versions landed twice (same Id and SystemModstamp), and current rows per Id beyond one."""
    table = table_name(object_name)
    twice = warehouse.scalar(f"select count(*) - count(distinct (id, system_modstamp)) "
                             f"from staging.{table}_versions")
    current = warehouse.scalar(f"select count(*) - count(distinct id) from staging.{table}")
    return int(twice) + int(current)


def wait_for_idle(instance, timeout_s: float) -> None:
    """No run queued or in flight (the daemon has drained the queue)."""
    unfinished = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED,
                  dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED,
                  dg.DagsterRunStatus.CANCELING]
    deadline = time.monotonic() + timeout_s
    while instance.get_runs_count(filters=dg.RunsFilter(statuses=unfinished)):
        if time.monotonic() > deadline:
            left = instance.get_runs(filters=dg.RunsFilter(statuses=unfinished))
            raise TimeoutError(f"runs still unfinished after {timeout_s:.0f}s: "
                               f"{[(r.job_name, r.status.value) for r in left]}")
        time.sleep(2)
