"""Minimal stand-ins for the staging and deal-warehouse tables, for check and rule unit tests.

Columns follow the contract of transforms/warehouse/*.sql (only what the checks and rules
read); the end-to-end tests build the real tables instead.
"""

import sqlalchemy as sa

DEAL_COLUMNS = {
    "opportunity_id": "varchar", "opportunity_name": "varchar", "account_id": "varchar",
    "account_name": "varchar", "owner_id": "varchar", "owner_name": "varchar",
    "stage_name": "varchar", "is_closed": "boolean", "is_won": "boolean",
    "amount": "double precision", "close_date": "date", "next_step": "varchar",
    "primary_contact_id": "varchar", "primary_contact_name": "varchar",
    "last_activity_date": "date", "created_date": "timestamp", "is_retained": "boolean",
}


def _create(connection, table: str, columns: dict[str, str], rows: list[dict]) -> None:
    connection.execute(sa.text(f"drop table if exists {table}"))
    connection.execute(sa.text(
        f"create table {table} ({', '.join(f'{c} {t}' for c, t in columns.items())})"))
    for row in rows:
        names = [c for c in columns if c in row]
        connection.execute(sa.text(f"insert into {table} ({', '.join(names)}) values "
                                   f"({', '.join(':' + c for c in names)})"), row)


def staging_table(warehouse, table: str, ids: list, deleted: tuple = ()) -> None:
    with warehouse.connection() as connection:
        _create(connection, f"staging.{table}", {"id": "varchar", "is_deleted": "boolean"},
                [{"id": i, "is_deleted": i in deleted} for i in ids])


def reference_tables(warehouse, accounts=(), users=(), contacts=(), roles=()) -> None:
    """staging.account / user / contact, and contact roles as (opportunity_id, contact_id)."""
    for table, ids in (("account", accounts), ("user", users), ("contact", contacts)):
        staging_table(warehouse, table, list(ids))
    with warehouse.connection() as connection:
        _create(connection, "staging.opportunity_contact_role",
                {"id": "varchar", "opportunity_id": "varchar", "contact_id": "varchar",
                 "is_deleted": "boolean"},
                [{"id": f"00K{n:015d}", "opportunity_id": o, "contact_id": c, "is_deleted": False}
                 for n, (o, c) in enumerate(roles)])


def deal_tables(warehouse, deals: list[dict], skips: list[dict] = (), owners: list[str] = (),
                stages: list[str] = ()) -> None:
    with warehouse.connection() as connection:
        connection.execute(sa.text("create schema if not exists warehouse"))
        _create(connection, "warehouse.deals", DEAL_COLUMNS, deals)
        _create(connection, "warehouse.deal_skips",
                {"opportunity_id": "varchar", "reason": "varchar"}, list(skips))
        _create(connection, "warehouse.owners", {"user_id": "varchar"},
                [{"user_id": o} for o in owners])
        _create(connection, "warehouse.stages", {"stage_name": "varchar"},
                [{"stage_name": s} for s in stages])


def sf_id(prefix: str, n: int) -> str:
    """A well-formed 18-character Id (the checks test shape, not checksums)."""
    return f"{prefix}5g{n:010d}AAA"
