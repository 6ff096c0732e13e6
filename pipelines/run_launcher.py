"""The default run launcher, plus the health check run monitoring needs to see a dead run.

Dagster's DefaultRunLauncher starts each run in a process of the code server but cannot tell
whether that process is still alive, so a run whose worker was killed (kill -9, the OOM killer,
a reboot) stays STARTED forever and keeps its pool slots: every later tick then waits on
"blocked by limit for pool salesforce_api". With this health check, run monitoring
(dagster.yaml `run_monitoring`) fails such a run, and `free_slots_after_run_end_seconds` gives
its slots back.

The check reads the worker's pid from the run's "Started process for run" event and looks the
process up on this machine. It only answers for code servers on this host (a loopback gRPC
address, or a location the daemon itself spawned); elsewhere it says UNKNOWN and changes
nothing. Runs in containers should use Docker's or Kubernetes' run launcher, which check their
workers themselves.
"""

import json
import os
import socket

import dagster as dg
from dagster._core.launcher import CheckRunHealthResult, DefaultRunLauncher, WorkerStatus
from dagster._core.storage.tags import GRPC_INFO_TAG

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", socket.gethostname())


class LocalRunLauncher(DefaultRunLauncher):
    """DefaultRunLauncher whose run workers run on this host, with a worker health check."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        if not _local(run):
            return CheckRunHealthResult(WorkerStatus.UNKNOWN, "code server on another host")
        started = _worker(self._instance, run.run_id)
        if started is None:
            return CheckRunHealthResult(WorkerStatus.UNKNOWN, "no worker process recorded yet")
        pid, since = started
        if _alive_since(pid, since):
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        return CheckRunHealthResult(
            WorkerStatus.FAILED, f"the run worker process (pid {pid}) is gone: it was killed or "
                                 "crashed without reporting an end to the run")


def _local(run: dg.DagsterRun) -> bool:
    """The code server that started the run's worker is on this host (the launcher recorded
    its address in the run's gRPC tag when it launched the run)."""
    info = run.tags.get(GRPC_INFO_TAG)
    return info is not None and json.loads(info).get("host") in LOCAL_HOSTS


def _worker(instance, run_id: str) -> tuple[int, float] | None:
    """(pid, when it was reported) from the run's newest "Started process" engine event."""
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.ENGINE_EVENT, ascending=False, limit=50).records
    for record in records:
        entry = record.event_log_entry
        metadata = entry.dagster_event.engine_event_data.metadata or {}
        if "pid" in metadata and (entry.message or "").startswith("Started process"):
            return int(metadata["pid"].value), entry.timestamp
    return None


def _alive_since(pid: int, since: float) -> bool:
    """Alive, and not a newer process that reused the pid after the worker died."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    started = _process_start(pid)
    return started is None or started <= since + 5


def _process_start(pid: int) -> float | None:
    """The process's start time (epoch seconds) from /proc, where there is one."""
    try:
        stat = open(f"/proc/{pid}/stat").read()
        boot = next(float(line.split()[1]) for line in open("/proc/stat")
                    if line.startswith("btime"))
    except (OSError, StopIteration):
        return None
    ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: start time in clock ticks
    return boot + ticks / os.sysconf("SC_CLK_TCK")

