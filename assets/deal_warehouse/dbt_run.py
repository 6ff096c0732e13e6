"""Run dbt in this process with the manifest already loaded.

A dbt subprocess would pay about two seconds of imports and parsing on every tick; here dbt is
imported once per process and each invocation starts from a fresh copy of the parsed manifest
(compiled state must not leak from one run into the next). The connection settings reach
profiles.yml through the environment, only for the duration of the call.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from .project import PROJECT_DIR, dbt_environment, parsed_manifest

# Observers of every dbt run's events (dbt EventMsg objects), beside the caller's own: the
# tests use it to watch what the step holds while dbt runs.
OBSERVERS: list = []


@dataclass
class NodeOutcome:
    """One dbt node's result: a model built (or not), a test passed (or not)."""

    unique_id: str
    resource_type: str
    name: str
    status: str
    message: str | None
    failures: int | None
    seconds: float


@dataclass
class DbtOutcome:
    success: bool
    nodes: list[NodeOutcome] = field(default_factory=list)
    error: str | None = None

    def failed(self) -> list[NodeOutcome]:
        return [n for n in self.nodes if n.status in ("error", "fail", "runtime error")]


def fresh_manifest(engine: str, project_dir: Path = PROJECT_DIR, database: str | None = None):
    """The parsed manifest with no compiled state: dbt reuses an ephemeral model's compiled
    SQL once it is marked compiled, and the staging models must see today's columns.
    `database` replaces the database name dbt recorded at parse time (PostgreSQL: one parsed
    manifest serves every database; DuckDB attaches its file under one name instead)."""
    manifest = parsed_manifest(engine, project_dir)
    for node in (*manifest.nodes.values(), *manifest.sources.values()):
        if database and getattr(node, "database", None) not in (None, database):
            if getattr(node, "relation_name", None):
                node.relation_name = node.relation_name.replace(
                    f'"{node.database}".', f'"{database}".', 1)
            node.database = database
        if hasattr(node, "compiled"):
            node.compiled = False
            node.compiled_code = None
            node.extra_ctes_injected = False
            node.extra_ctes = []
    return manifest


def connection_environment(warehouse) -> dict[str, str]:
    """profiles.yml's variables for this warehouse (the PostgreSQL URL split into its parts)."""
    if warehouse.engine == "duckdb":
        return {"DEALSYNC_WAREHOUSE": "duckdb", "DEALSYNC_DUCKDB_PATH": str(warehouse.duckdb_path)}
    url = sa.engine.make_url(warehouse.postgres_url)
    return {"DEALSYNC_WAREHOUSE": "postgres", "DEALSYNC_PG_HOST": url.host or "127.0.0.1",
            "DEALSYNC_PG_PORT": str(url.port or 5432), "DEALSYNC_PG_USER": url.username or "",
            "DEALSYNC_PG_PASSWORD": url.password or "", "DEALSYNC_PG_DBNAME": url.database or ""}


def invoke(warehouse, args: list[str], callbacks=(), project_dir: Path = PROJECT_DIR,
           write_json: bool = False) -> DbtOutcome:
    """`dbt <args>` against this warehouse; never raises for a failed model or test."""
    from dbt.cli.main import dbtRunner

    environment = connection_environment(warehouse)
    manifest = fresh_manifest(warehouse.engine, project_dir,
                              environment.get("DEALSYNC_PG_DBNAME"))
    with tempfile.TemporaryDirectory(prefix="dealsync-dbt-") as scratch, dbt_environment(
            {**environment, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}):
        runner = dbtRunner(manifest=manifest, callbacks=[*callbacks, *OBSERVERS])
        try:
            target = [] if "--target-path" in args else ["--target-path", scratch]
            result = runner.invoke([*args, *target, "--project-dir", str(project_dir),
                                    "--profiles-dir", str(project_dir), "--log-path", scratch,
                                    "--write-json" if write_json else "--no-write-json",
                                    "--quiet", "--log-level-file", "none"])
        finally:
            if warehouse.engine == "duckdb":
                release_duckdb()
    nodes = []
    for node_result in getattr(result.result, "results", None) or []:
        node = node_result.node
        nodes.append(NodeOutcome(node.unique_id, str(node.resource_type), node.name,
                                 str(node_result.status), node_result.message,
                                 node_result.failures, float(node_result.execution_time or 0)))
    error = describe_exception(result.exception) if result.exception else None
    return DbtOutcome(bool(result.success), nodes, error)


def describe_exception(exception: BaseException) -> str:
    """dbt's exception as text; one with no message (an interrupt: the run was terminated
    from the UI or by SIGTERM) is named, so the failure does not read as an empty reason."""
    return str(exception).strip() or f"interrupted ({type(exception).__name__})"


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open for the process (its in-memory primary
    database is never closed on its own), so the warehouse file is free for the next writer
    the moment dbt returns."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if environment is not None:
            environment.close()
