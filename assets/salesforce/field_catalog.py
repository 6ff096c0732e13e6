"""The field list each object was last extracted with, kept in the warehouse between runs."""

import json
from pathlib import Path

from .windows import utcnow

SQL = Path(__file__).resolve().parents[2] / "transforms" / "extraction"


def load_field_catalog(warehouse) -> dict[str, dict[str, str]]:
    warehouse.run_sql_file(SQL / "field_catalog.sql")
    rows = warehouse.query("select object, fields_json from staging.field_catalog")
    return {row["object"]: json.loads(row["fields_json"]) for row in rows}


def save_fields(warehouse, object_name: str, fields: dict[str, str]) -> None:
    warehouse.run_sql_file(SQL / "field_catalog.sql")
    warehouse.run_sql_file(SQL / "save_field_catalog.sql", object=object_name,
                           fields_json=json.dumps(fields), now=utcnow())
