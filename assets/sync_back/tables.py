"""The sync_back schema: outbox, log, preview and check baselines, created when first needed."""

from resources.staging.connections import retry_on_ddl_race
from transforms import sql


def ensure_tables(warehouse) -> None:
    """Create the sync_back schema and tables if missing (idempotent, race-safe on PostgreSQL)."""

    def create() -> None:
        with warehouse.connection() as connection:
            sql.execute(connection, "sync_back/create_tables")

    retry_on_ddl_race(create)
