"""The run launcher's worker health check, on a real Dagster instance with real processes: a
live worker is RUNNING, a killed one FAILED (so run monitoring fails the run and frees its
slots), a pid reused by a newer process FAILED too, and a worker on another host UNKNOWN."""

import json
import subprocess
import sys
import time

import dagster as dg
from dagster._core.events import EngineEventData
from dagster._core.launcher import WorkerStatus
from dagster._core.storage.tags import GRPC_INFO_TAG

from pipelines.run_launcher import LocalRunLauncher, _alive_since


@dg.op
def noop():
    return None


@dg.job
def tiny():
    noop()


def _run_with_worker(instance, pid: int, host: str = "localhost") -> dg.DagsterRun:
    run = instance.create_run_for_job(tiny, tags={GRPC_INFO_TAG: json.dumps({"host": host})})
    instance.report_engine_event(f"Started process for run (pid: {pid}).", run,
                                 EngineEventData.in_process(pid))
    return instance.get_run_by_id(run.run_id)


def _launcher(instance) -> LocalRunLauncher:
    launcher = LocalRunLauncher()
    launcher.register_instance(instance)
    return launcher


def test_a_live_worker_is_running_and_a_killed_one_failed():
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        time.sleep(0.2)
        with dg.instance_for_test() as instance:
            run = _run_with_worker(instance, worker.pid)
            launcher = _launcher(instance)
            assert launcher.supports_check_run_worker_health
            assert launcher.check_run_worker_health(run).status == WorkerStatus.RUNNING
            worker.kill()
            worker.wait()
            result = launcher.check_run_worker_health(run)
            assert result.status == WorkerStatus.FAILED
            assert f"pid {worker.pid}" in result.msg
    finally:
        worker.kill()


def test_a_pid_reused_after_the_worker_died_is_not_taken_for_it():
    """A process that started after the worker was recorded is someone else with its pid."""
    newer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert _alive_since(newer.pid, time.time())               # recorded as it started
        assert not _alive_since(newer.pid, time.time() - 60)      # recorded a minute earlier
    finally:
        newer.kill()


def test_a_worker_on_another_host_is_not_judged_from_here():
    with dg.instance_for_test() as instance:
        run = _run_with_worker(instance, 999_999_999, host="10.1.2.3")
        assert _launcher(instance).check_run_worker_health(run).status == WorkerStatus.UNKNOWN
