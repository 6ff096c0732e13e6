"""Salesforce field types -> warehouse column types and Arrow types.

Several Salesforce types share one storage type (picklist and string are both varchar), so a
describe change between them is not drift; a change of *storage* type is (see schema.py).
The type names are spelled so that DuckDB and PostgreSQL accept the same DDL.
"""

import pyarrow as pa

VARCHAR, BOOLEAN, BIGINT, DOUBLE, DATE, TIMESTAMP = (
    "varchar", "boolean", "bigint", "double precision", "date", "timestamp")

_TEXT_TYPES = ("id", "reference", "string", "picklist", "multipicklist", "combobox", "textarea",
               "email", "phone", "url", "encryptedstring", "anyType", "calculated", "time")
WAREHOUSE_TYPES: dict[str, str] = {
    **dict.fromkeys(_TEXT_TYPES, VARCHAR),
    "boolean": BOOLEAN,
    "int": BIGINT, "long": BIGINT,
    "double": DOUBLE, "currency": DOUBLE, "percent": DOUBLE,
    "date": DATE,
    "datetime": TIMESTAMP,
}

ARROW_TYPES: dict[str, pa.DataType] = {
    VARCHAR: pa.string(), BOOLEAN: pa.bool_(), BIGINT: pa.int64(), DOUBLE: pa.float64(),
    DATE: pa.date32(), TIMESTAMP: pa.timestamp("ms"),
}

# information_schema.columns.data_type as each engine reports it -> our canonical names.
_REPORTED_TYPES = {
    "varchar": VARCHAR, "character varying": VARCHAR, "text": VARCHAR,
    "boolean": BOOLEAN, "bigint": BIGINT, "double": DOUBLE, "double precision": DOUBLE,
    "date": DATE, "timestamp": TIMESTAMP, "timestamp without time zone": TIMESTAMP,
}


def warehouse_type(salesforce_type: str) -> str:
    """Storage type for a Salesforce field type; unknown types fail loudly instead of guessing."""
    try:
        return WAREHOUSE_TYPES[salesforce_type]
    except KeyError:
        raise ValueError(
            f"unsupported Salesforce field type {salesforce_type!r}; supported: "
            f"{', '.join(sorted(WAREHOUSE_TYPES))}. Compound (address, location) and base64 "
            "fields must be dropped by the extractor before landing") from None


def canonical_type(reported: str) -> str:
    """Normalise an information_schema data_type so both engines compare equal."""
    return _REPORTED_TYPES.get(reported.lower(), reported.lower())
