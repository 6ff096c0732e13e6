"""A PostgreSQL server for the test session: the local one if it answers, else a throwaway one.

Order of preference:
1. 127.0.0.1:5432 as user `postgres` (trust auth), when it accepts connections;
2. a throwaway cluster made with `initdb` / `pg_ctl` from PATH (or /usr/lib/postgresql/*/bin) in a
   temp dir, on a free port, stopped and deleted at session end. PostgreSQL refuses to run as
   root, so as root the cluster runs as the OS user `postgres` if it exists, else as a system
   user `dealsync-pg` created with `useradd` (the only change made outside the temp dir).

Set DEALSYNC_TEST_PG_THROWAWAY=1 to skip (1) and exercise (2). If neither works the caller gets
PostgresUnavailable with the reasons; the fixtures turn that into a test failure, never a skip.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from psycopg2 import sql

LOCAL_HOST, LOCAL_PORT, SUPERUSER = "127.0.0.1", 5432, "postgres"
THROWAWAY_OS_USER = "dealsync-pg"


class PostgresUnavailable(RuntimeError):
    """Neither the local server nor a throwaway one could be used."""


@dataclass
class PostgresServer:
    host: str
    port: int
    user: str = SUPERUSER
    data_dir: Path | None = None          # set for a throwaway cluster we own
    os_user: str | None = None
    _cleanup: list = field(default_factory=list)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://{self.user}@{self.host}:{self.port}/{database}"

    def admin_connection(self):
        connection = psycopg2.connect(host=self.host, port=self.port, user=self.user,
                                      dbname="postgres", connect_timeout=5)
        connection.autocommit = True
        return connection

    def create_database(self) -> str:
        name = f"dealsync_test_{uuid.uuid4().hex[:12]}"
        connection = self.admin_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        finally:
            connection.close()
        return name

    def drop_database(self, name: str) -> None:
        connection = self.admin_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql.SQL("drop database if exists {} with (force)")
                               .format(sql.Identifier(name)))
        finally:
            connection.close()

    def stop(self) -> None:
        if self.data_dir is not None and (self.data_dir / "postmaster.pid").exists():
            _run_as(self.os_user, [_pg_binary("pg_ctl"), "-D", str(self.data_dir), "-m", "immediate",
                                   "-w", "stop"], check=False)
        for cleanup in reversed(self._cleanup):
            cleanup()


def start_postgres() -> PostgresServer:
    """The server the test session uses; raises PostgresUnavailable with both reasons."""
    reasons = []
    if os.environ.get("DEALSYNC_TEST_PG_THROWAWAY") != "1":
        local = PostgresServer(LOCAL_HOST, LOCAL_PORT)
        try:
            local.admin_connection().close()
            return local
        except psycopg2.OperationalError as exc:
            reasons.append(f"{LOCAL_HOST}:{LOCAL_PORT} refused: {str(exc).strip()}")
    try:
        return _start_throwaway()
    except (OSError, subprocess.CalledProcessError, TimeoutError) as exc:
        detail = getattr(exc, "stderr", None) or ""
        reasons.append(f"throwaway server failed: {exc} {detail}".strip())
    raise PostgresUnavailable(
        "The warehouse tests need PostgreSQL and none is usable:\n  - " + "\n  - ".join(reasons)
        + "\nStart PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) or put initdb/pg_ctl "
        "on PATH.")


def _start_throwaway() -> PostgresServer:
    os_user = _os_user_for_postgres()
    root = Path(tempfile.mkdtemp(prefix="dealsync-pg-"))
    data_dir = root / "data"
    port = _free_port()
    server = PostgresServer(LOCAL_HOST, port, data_dir=data_dir, os_user=os_user)
    server._cleanup.append(lambda: shutil.rmtree(root, ignore_errors=True))
    try:
        if os_user is not None:
            record = pwd.getpwnam(os_user)
            os.chown(root, record.pw_uid, record.pw_gid)
        _run_as(os_user, [_pg_binary("initdb"), "-D", str(data_dir), "-U", SUPERUSER,
                          "--auth=trust", "--encoding=UTF8", "--no-sync"])
        options = f"-p {port} -k {root} -c listen_addresses={LOCAL_HOST} -c fsync=off"
        _run_as(os_user, [_pg_binary("pg_ctl"), "-D", str(data_dir), "-o", options,
                          "-l", str(root / "server.log"), "-w", "-t", "60", "start"])
        _wait_until_accepting(server)
    except BaseException:
        server.stop()
        raise
    return server


def _os_user_for_postgres() -> str | None:
    """None when not root; otherwise an unprivileged user that may run the server."""
    if os.geteuid() != 0:
        return None
    for candidate in (SUPERUSER, THROWAWAY_OS_USER):
        try:
            pwd.getpwnam(candidate)
            return candidate
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    THROWAWAY_OS_USER], check=True, capture_output=True, text=True)
    return THROWAWAY_OS_USER


def _run_as(os_user: str | None, command: list[str], check: bool = True):
    if os_user is not None:
        command = ["runuser", "-u", os_user, "--", *command]
    return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)


def _pg_binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise FileNotFoundError(f"{name} is not on PATH or in /usr/lib/postgresql/*/bin")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCAL_HOST, 0))
        return probe.getsockname()[1]


def _wait_until_accepting(server: PostgresServer, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            server.admin_connection().close()
            return
        except psycopg2.OperationalError:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"PostgreSQL on port {server.port} did not accept connections") from None
            time.sleep(0.2)
