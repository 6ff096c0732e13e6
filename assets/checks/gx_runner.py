"""Run Great Expectations suites on warehouse batches. GX is imported here, inside the call.

Where the data is validated (GX Core data sources: https://docs.greatexpectations.io/docs/core/connect_to_data/):
- PostgreSQL: in the database. GX's Postgres datasource runs each expectation as aggregate SQL
  over the batch query, so memory stays flat however large the table.
- DuckDB: as pandas. GX 1.24 has no DuckDB datasource; its generic SQL one loses every result
  with duckdb-engine (IndexError, #11579), cannot run regexes, and holds connections that lock
  the file against the pipeline. The working alternative patches GX internals. Instead the same
  batch SQL runs in DuckDB (joins and flags computed there) and only the checked columns come
  back as a DataFrame: correct, unpatched, and small (an Id column, not the table).
"""

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from .batches import Batch

SITE = "dealsync"


@dataclass
class BatchResult:
    batch: Batch
    result: object          # ExpectationSuiteValidationResult
    docs_url: str | None


@dataclass(frozen=True)
class Docs:
    directory: str
    retention_days: int
    keep_runs: int


def _context(docs: Docs | None):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for site in list(context.list_data_docs_sites()):
        context.delete_data_docs_site(site)
    if docs is not None:
        context.add_data_docs_site(site_name=SITE, site_config={
            "class_name": "SiteBuilder", "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(Path(docs.directory).resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
    return context


def postgres_gx_url(url: str) -> str:
    parsed = sa.engine.make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed.render_as_string(hide_password=False)


def validate(warehouse, batches: list[Batch], run_id: str, docs: Docs | None) -> list[BatchResult]:
    """Validate each batch with its suite; one Data Docs page per batch under docs.directory."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    context = _context(docs)
    if warehouse.engine == "postgres":
        source = context.data_sources.add_postgres(
            "warehouse", connection_string=postgres_gx_url(warehouse.postgres_url))
    else:
        source = context.data_sources.add_pandas("warehouse")
    results = []
    try:
        for index, batch in enumerate(batches):
            if warehouse.engine == "postgres":
                asset, parameters = source.add_query_asset(batch.name, query=batch.sql), {}
                definition = asset.add_batch_definition_whole_table("all")
            else:
                asset = source.add_dataframe_asset(batch.name)
                definition = asset.add_batch_definition_whole_dataframe("all")
                parameters = {"dataframe": _duckdb_frame(warehouse, batch.sql)}
            suite = context.suites.add(gx.ExpectationSuite(name=batch.name,
                                                           expectations=batch.expectations(gxe)))
            validation = context.validation_definitions.add(
                gx.ValidationDefinition(name=batch.name, data=definition, suite=suite))
            checkpoint = context.checkpoints.add(gx.Checkpoint(
                name=batch.name, validation_definitions=[validation],
                result_format={"result_format": "SUMMARY",
                               "unexpected_index_column_names": [batch.id_column]}))
            run = checkpoint.run(batch_parameters=parameters,
                                 run_id=gx.RunIdentifier(run_name=run_id))
            (identifier, result), = run.run_results.items()
            # A page costs ~0.5 s of template rendering: the main batch always, others on failure.
            page = _page(context, identifier, docs) if index == 0 or not result.success else None
            results.append(BatchResult(batch, result, page))
    finally:
        dispose(source)
    return results


def _duckdb_frame(warehouse, query: str):
    # exec_driver_sql: the rendered SQL has no bind parameters; DuckDB hands back a DataFrame.
    with warehouse.connection(read_only=True) as connection:
        return connection.exec_driver_sql(query).cursor.df()


def _page(context, identifier, docs: Docs | None) -> str | None:
    """Build only this validation's page (no index: rebuilding the index would delete the pages
    of other checks and runs, which this ephemeral context does not know about)."""
    if docs is None:
        return None
    context.build_data_docs(site_names=[SITE], resource_identifiers=[identifier],
                            build_index=False)
    return context.get_docs_sites_urls(resource_identifier=identifier,
                                       site_names=[SITE])[0]["site_url"]


def dispose(source) -> None:
    """Close both engines a GX SQL datasource holds (its own and its execution engine's)."""
    execution = getattr(source, "_execution_engine", None)
    engine = getattr(execution, "engine", None)  # only SQL execution engines have one
    if engine is not None:
        execution.close()
        engine.dispose()
    own = getattr(source, "_engine", None)
    if own is not None:
        own.dispose()


def prune_docs(docs: Docs) -> int:
    """Delete Data Docs run folders older than the retention, or beyond the newest keep_runs
    runs of a check; returns how many went. Storage stays bounded however often ticks run."""
    root = Path(docs.directory) / "validations"
    if not root.is_dir():
        return 0
    cutoff, removed = time.time() - docs.retention_days * 86400, 0
    for suite in (d for d in root.iterdir() if d.is_dir()):
        runs = sorted((d for d in suite.iterdir() if d.is_dir()),
                      key=lambda d: d.stat().st_mtime, reverse=True)
        for index, run_dir in enumerate(runs):
            if index >= docs.keep_runs or run_dir.stat().st_mtime < cutoff:
                shutil.rmtree(run_dir)
                removed += 1
    return removed
