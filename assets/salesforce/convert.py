"""Salesforce records -> typed Arrow tables, for REST JSON pages and Bulk CSV pages alike.

Both wire formats carry UTC datetimes with millisecond precision ("...000+0000" in JSON,
"...000Z" in CSV); the first 23 characters are the same ISO form in both, which Arrow casts to
a naive UTC timestamp. Bulk sends every value as text and nulls as empty values.
"""

import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

ARROW_TYPES = {
    "boolean": pa.bool_(), "int": pa.int64(), "double": pa.float64(), "currency": pa.float64(),
    "percent": pa.float64(), "date": pa.date32(), "datetime": pa.timestamp("ms"),
}


def arrow_type(sf_type: str) -> pa.DataType:
    return ARROW_TYPES.get(sf_type, pa.string())


def _typed(column: pa.Array, sf_type: str, object_name: str, field: str) -> pa.Array:
    target = arrow_type(sf_type)
    if column.type == target:
        return column
    try:
        if sf_type == "datetime":
            return pc.utf8_slice_codeunits(column.cast(pa.string()), 0, 23).cast(target)
        if sf_type == "date":
            return pc.utf8_slice_codeunits(column.cast(pa.string()), 0, 10).cast(target)
        return column.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ValueError(f"{object_name}.{field}: a value does not parse as {sf_type} ({exc}); "
                         "check the field's type in Salesforce Setup") from exc


def records_to_table(records: list[dict], fields: dict[str, str], object_name: str) -> pa.Table:
    """A REST page (records without `attributes`) -> table with one typed column per field."""
    columns = {}
    for name, sf_type in fields.items():
        values = [r.get(name) for r in records]
        target = arrow_type(sf_type)
        if target in (pa.bool_(), pa.int64(), pa.float64(), pa.string()):
            try:
                columns[name] = pa.array(values, type=target)
                continue
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
                columns[name] = _typed(pa.array([None if v is None else str(v) for v in values],
                                                pa.string()), sf_type, object_name, name)
                continue
        columns[name] = _typed(pa.array(values, type=pa.string()), sf_type, object_name, name)
    return pa.table(columns)


def csv_to_table(page: str | bytes, fields: dict[str, str], object_name: str) -> pa.Table:
    """A Bulk 2.0 CSV page -> the same typed table records_to_table gives."""
    data = page.encode() if isinstance(page, str) else page
    # Long text fields carry newlines inside quoted values.
    raw = pa_csv.read_csv(io.BytesIO(data), parse_options=pa_csv.ParseOptions(newlines_in_values=True),
                          convert_options=pa_csv.ConvertOptions(
        column_types={name: pa.string() for name in fields},
        strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""]))
    return pa.table({name: _typed(raw.column(name).combine_chunks(), sf_type, object_name, name)
                     for name, sf_type in fields.items()})
