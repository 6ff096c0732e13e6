"""Real processes for the operations suite: the emulator, a Dagster code server, webserver and
daemon, each a subprocess with its output in a log file (printed when a test fails)."""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """SIGTERM this child when the test process dies, even by SIGKILL: no orphaned servers."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, timeout_s: float, what: str, interval_s: float = 0.5):
    """Poll `predicate` until it returns something truthy; fail naming what never happened."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        time.sleep(interval_s)


@contextmanager
def deployment_instance(env: dict):
    """The deployment's Dagster instance, read from this process as the `dagster` CLI would:
    its dagster.yaml reads the DAGSTER_PG_* variables, set only while it is open."""
    import dagster as dg

    names = [k for k in env if k.startswith("DAGSTER_PG_")]
    saved = {k: os.environ.get(k) for k in names}
    os.environ.update({k: env[k] for k in names})
    try:
        with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
            yield instance
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Process:
    """One subprocess in its own process group, logging to `log_dir/name.log`."""

    def __init__(self, name: str, command: list[str], env: dict, log_dir: Path):
        self.name, self.command, self.env = name, command, env
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> "Process":
        self.starts += 1
        log = self.log_path.open("a")
        log.write(f"\n===== start {self.starts}: {' '.join(self.command)}\n")
        log.flush()
        self.proc = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=_die_with_parent)
        log.close()
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def check_alive(self) -> None:
        if not self.alive():
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would: no clean shutdown."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return "(no output)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def emulator(state_dir: Path, log_dir: Path, live_rate: float) -> tuple[Process, str]:
    """The emulator in live mode on a free port; returns (process, base URL)."""
    port = free_port()
    process = Process("emulator", [sys.executable, "-m", "salesforce_emulator", "serve",
                                   "--port", str(port), "--org", "demo", "--scale", "small",
                                   "--state-dir", str(state_dir), "--live-rate", str(live_rate)],
                      dict(os.environ), log_dir).start()
    wait_until(lambda: process.check_alive() or "listening on" in process.tail(), 120,
               "the emulator to print its banner")
    return process, f"https://127.0.0.1:{port}"


WORKSPACE = """{ workspaceOrError { ... on Workspace { locationEntries {
    name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


class Dagster:
    """The production shape: code server, webserver and daemon against one instance."""

    def __init__(self, env: dict, log_dir: Path, module: str):
        self.env = dict(env)
        self.code_port, self.web_port = free_port(), free_port()
        self.env.update({"DEALSYNC_CODE_SERVER_HOST": "127.0.0.1",
                         "DEALSYNC_CODE_SERVER_PORT": str(self.code_port)})
        workspace = str(ROOT / "deploy" / "workspace.yaml")
        self.code_server = Process("code_server", [
            str(BIN / "dagster"), "code-server", "start", "-m", module, "-d", str(ROOT),
            "-h", "127.0.0.1", "-p", str(self.code_port), "--location-name", "dealsync"],
            self.env, log_dir)
        self.webserver = Process("webserver", [
            str(BIN / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1",
            "-p", str(self.web_port)], self.env, log_dir)
        self.daemon = Process("daemon", [str(BIN / "dagster-daemon"), "run", "-w", workspace],
                              self.env, log_dir)
        self.url = f"http://127.0.0.1:{self.web_port}"

    def set_pools(self) -> str:
        """deploy/set-pools.sh, exactly as an operator runs it."""
        done = subprocess.run(["sh", str(ROOT / "deploy" / "set-pools.sh")], cwd=ROOT,
                              env={**self.env, "DAGSTER": str(BIN / "dagster")},
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"deploy/set-pools.sh failed: {done.stdout}{done.stderr}")
        return done.stdout

    def start_servers(self) -> "Dagster":
        """The code server, then the webserver once the code loads; the daemon is separate."""
        self.code_server.start()
        wait_until(self._code_server_ready, 180, "the code server to load pipelines")
        self.webserver.start()
        wait_until(self._webserver_ready, 180, "the webserver to answer GraphQL")
        return self

    def start_daemon(self) -> None:
        self.daemon.start()
        wait_until(self._daemons_healthy, 180, "every daemon to report healthy")

    def _code_server_ready(self) -> bool:
        self.code_server.check_alive()
        done = subprocess.run([str(BIN / "dagster"), "api", "grpc-health-check", "-p",
                               str(self.code_port), "-h", "127.0.0.1"], capture_output=True,
                              env=self.env, timeout=60)
        return done.returncode == 0

    def _webserver_ready(self) -> bool:
        """Answering, with the dealsync location loaded (not loading, not an error)."""
        self.webserver.check_alive()
        try:
            if not requests.get(f"{self.url}/server_info", timeout=5).ok:
                return False
        except requests.ConnectionError:
            return False
        entries = self.graphql(WORKSPACE)["workspaceOrError"]["locationEntries"]
        for entry in entries:
            loaded = entry["locationOrLoadError"] or {}
            if loaded.get("__typename") == "PythonError":
                raise RuntimeError(f"code location {entry['name']} failed to load: "
                                   f"{loaded.get('message')}")
        return any(e["loadStatus"] == "LOADED" and e["locationOrLoadError"] for e in entries)

    def _daemons_healthy(self) -> bool:
        self.daemon.check_alive()
        data = self.graphql("""{ instance { daemonHealth { allDaemonStatuses {
            daemonType healthy required } } } }""")
        statuses = data["instance"]["daemonHealth"]["allDaemonStatuses"]
        return all(s["healthy"] for s in statuses if s["required"])

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        """POST to /graphql as the UI does; raises with the server's errors."""
        response = requests.post(f"{self.url}/graphql", json={"query": query,
                                                              "variables": variables or {}},
                                 timeout=120)
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL error {response.status_code}: {body.get('errors')}")
        return body["data"]

    def processes(self) -> list[Process]:
        return [self.daemon, self.webserver, self.code_server]

    def stop(self) -> None:
        for process in self.processes():
            process.stop()

    def logs(self) -> str:
        return "\n".join(f"----- {p.name} ({p.log_path})\n{p.tail()}" for p in self.processes())
