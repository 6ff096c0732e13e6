"""Small, readable Salesforce-shaped test data for the staging tests."""

from datetime import date, datetime

import pyarrow as pa

OPPORTUNITY_FIELDS = {
    "Id": "id", "IsDeleted": "boolean", "Name": "string", "StageName": "picklist",
    "Amount": "currency", "Probability": "percent", "CloseDate": "date", "FiscalYear": "int",
    "IsWon": "boolean", "Region__c": "picklist", "LastStageChangeDate": "datetime",
    "SystemModstamp": "datetime",
}
USER_FIELDS = {"Id": "id", "Username": "string", "IsActive": "boolean",
               "SystemModstamp": "datetime"}
ARROW_TYPES = {
    "id": pa.string(), "string": pa.string(), "picklist": pa.string(), "textarea": pa.string(),
    "boolean": pa.bool_(), "int": pa.int64(), "currency": pa.float64(), "percent": pa.float64(),
    "double": pa.float64(), "date": pa.date32(), "datetime": pa.timestamp("ms"),
}
JANUARY = (datetime(2024, 1, 1), datetime(2024, 2, 1))
FEBRUARY = (datetime(2024, 2, 1), datetime(2024, 3, 1))


def sf_id(prefix: str, number: int) -> str:
    """An 18-character Id shaped like the emulator's (prefix, pod 5g0, 9 digits, suffix)."""
    return f"{prefix}5g0{number:09d}AAA"


def opp_id(number: int) -> str:
    return sf_id("006", number)


def opportunity(number: int, stamp: datetime, **overrides) -> dict:
    row = {
        "Id": opp_id(number), "IsDeleted": False, "Name": f"Deal {number}",
        "StageName": "Prospecting", "Amount": 1000.0 * number, "Probability": 10.0,
        "CloseDate": date(2024, 6, 30), "FiscalYear": 2024, "IsWon": False, "Region__c": "EMEA",
        "LastStageChangeDate": stamp, "SystemModstamp": stamp,
    }
    row.update(overrides)
    return row


def table(rows: list[dict], fields: dict[str, str] = OPPORTUNITY_FIELDS) -> pa.Table:
    schema = pa.schema([(name, ARROW_TYPES[sf_type]) for name, sf_type in fields.items()])
    return pa.Table.from_pylist([{k: row.get(k) for k in fields} for row in rows], schema=schema)


def land(warehouse, *batches: pa.Table, run_id: str = "run-1", window=JANUARY,
         fields: dict[str, str] = OPPORTUNITY_FIELDS, object_name: str = "Opportunity",
         api: str = "bulk2"):
    return warehouse.land(object_name, fields, iter(batches), window_start=window[0],
                          window_end=window[1], run_id=run_id, api=api)


def current_rows(warehouse, table_name: str = "opportunity",
                 columns: str = "id, system_modstamp, is_deleted, amount") -> list[dict]:
    return warehouse.query(f"select {columns} from staging.{table_name} order by id")


def duplicate_versions(warehouse, table_name: str = "opportunity") -> int:
    return warehouse.scalar(
        f"select count(*) from (select id, system_modstamp from staging.{table_name}_versions "
        "group by id, system_modstamp having count(*) > 1) as duplicates")


STATE_FIELDS = {"Id": "id", "SystemModstamp": "datetime", "IsDeleted": "boolean"}


def compare_with_org(warehouse, *rows: dict, fields: dict[str, str] = STATE_FIELDS,
                     history_start: datetime = datetime(1970, 1, 1), batch: int = 1000):
    """The reconciliation's comparison: `rows` are what Salesforce holds (Id, SystemModstamp,
    IsDeleted and any formula fields), streamed in batches as from a Bulk query."""
    batches = (table(list(rows[n:n + batch]), fields) for n in range(0, len(rows), batch))
    return warehouse.compare_with_org("Opportunity", fields, batches, history_start)
