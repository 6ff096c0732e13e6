"""Short-lived SQLAlchemy connections to DuckDB or PostgreSQL.

DuckDB allows one read-write process per file (or many read-only ones). A backfill run and a
10-minute schedule tick overlap routinely, so opening a DuckDB connection waits, with backoff and
for a bounded time, while another process holds the lock, instead of failing the run
(dagster#18746, #19068). Connections use NullPool: closing one really releases the file lock.
"""

import logging
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import duckdb
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

ENGINES = ("duckdb", "postgres")
# A connection factory: `with connect() as connection:` one short transaction. Staging helpers
# take this rather than the resource, so the resource and its helpers never call each other back.
Connect = Callable[[], AbstractContextManager[sa.Connection]]
# "Could not set lock": another process holds the file. "different configuration": this process
# already has the file open in the other mode (read-only vs read-write); also transient.
_LOCK_MESSAGES = ("Could not set lock", "different configuration")
_MAX_BACKOFF_S = 0.5  # poll often: another writer may only pause briefly between batches


class WarehouseConfigError(ValueError):
    """WarehouseResource was configured with a value it cannot use."""


class WarehouseLockTimeout(RuntimeError):
    """The DuckDB file stayed locked by another process for longer than lock_timeout_seconds."""


def build_engine(engine: str, duckdb_path: str, postgres_url: str | None,
                 read_only: bool) -> sa.Engine:
    if engine == "duckdb":
        path = Path(duckdb_path)
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        return sa.create_engine(f"duckdb:///{path}", poolclass=NullPool,
                                connect_args={"read_only": read_only})
    url = sa.engine.make_url(postgres_url)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg2")
    # hide_parameters keeps bound values (which may hold customer data) out of error messages.
    sa_engine = sa.create_engine(url, poolclass=NullPool, hide_parameters=True)
    return sa_engine.execution_options(postgresql_readonly=True) if read_only else sa_engine


def is_duckdb_lock_error(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", exc)
    return (isinstance(orig, (duckdb.IOException, duckdb.ConnectionException))
            and any(message in str(orig) for message in _LOCK_MESSAGES))


def connect_waiting_for_lock(sa_engine: sa.Engine, *, timeout_s: float, label: str,
                             log: logging.Logger) -> sa.Connection:
    """engine.connect(), retried with jittered exponential backoff while DuckDB reports a lock."""
    started, delay, announced = time.monotonic(), 0.05, False
    while True:
        try:
            connection = sa_engine.connect()
        except sa.exc.DBAPIError as exc:
            if not is_duckdb_lock_error(exc):
                raise
            waited = time.monotonic() - started
            holder = _lock_holder(exc)
            if waited >= timeout_s:
                raise WarehouseLockTimeout(
                    f"DuckDB file {label} stayed locked{holder} for {waited:.0f} s "
                    f"(lock_timeout_seconds={timeout_s:g}). DuckDB allows one writer process: "
                    "serialize writers with the deal_warehouse pool (deploy/set-pools.sh), or "
                    "raise the timeout") from exc
            if not announced:
                log.info("DuckDB file %s is locked%s; waiting up to %.0f s for it",
                         label, holder, timeout_s)
                announced = True
            time.sleep(min(delay * random.uniform(0.5, 1.5), max(timeout_s - waited, 0.01)))
            delay = min(delay * 2, _MAX_BACKOFF_S)
            continue
        if announced:
            log.info("Waited %.1f s for the DuckDB lock on %s", time.monotonic() - started, label)
        return connection


@contextmanager
def transaction(sa_engine: sa.Engine, *, timeout_s: float, label: str,
                log: logging.Logger) -> Iterator[sa.Connection]:
    """One unit of work: connect (waiting for the lock), begin, commit or roll back, close."""
    connection = connect_waiting_for_lock(sa_engine, timeout_s=timeout_s, label=label, log=log)
    try:
        with connection.begin():
            yield connection
    finally:
        connection.close()


def _lock_holder(exc: BaseException) -> str:
    match = re.search(r"PID (\d+)", str(getattr(exc, "orig", exc)))
    return f" by PID {match.group(1)}" if match else ""


def retry_on_ddl_race(unit_of_work):
    """Run a DDL unit of work, once more if a concurrent `create ... if not exists` won the race.

    PostgreSQL reports that race as a unique violation in its catalog; the retry then sees the
    object and does nothing.
    """
    try:
        return unit_of_work()
    except sa.exc.IntegrityError:
        return unit_of_work()
