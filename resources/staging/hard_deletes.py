"""Reconcile current state against the full list of Ids that still exist in Salesforce.

Salesforce empties its recycle bin after about 15 days; after that a deleted record is simply
absent and no IsDeleted version ever arrives. The caller streams every live Id (millions for
big objects). They are spooled to a local Arrow file first, so the DuckDB write lock is held
only for the load and one update, not for the whole Salesforce query.
"""

import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from resources.clock import utc_now
from transforms import sql

from .arrow_copy import copy_into
from .connections import Connect
from .naming import quote, table_name
from .schema import existing_columns

SALESFORCE_ID_LENGTH = 18
_SPOOL_SCHEMA = pa.schema([("id", pa.string())])


def mark_hard_deleted(connect: Connect, engine: str, object_name: str,
                      present_ids: Iterable[str], *, chunk_size: int, allow_empty: bool) -> int:
    table = table_name(object_name)
    with tempfile.TemporaryDirectory(prefix="dealsync-present-ids-") as spool_dir:
        spool = Path(spool_dir) / "ids.arrow"
        count = _spool(present_ids, spool, chunk_size)
        if count == 0 and not allow_empty:
            raise ValueError(
                f"present_ids for {object_name} is empty: that would mark every row deleted. "
                "Pass allow_empty=True if the object really has no records left")
        with connect() as connection:
            if not existing_columns(connection, table):
                return 0
            sql.execute(connection, "staging/create_present_ids")
            with pa.memory_map(str(spool)) as source:
                reader = pa.ipc.open_file(source)
                for index in range(reader.num_record_batches):
                    copy_into(connection, engine, "_present_ids",
                              pa.Table.from_batches([reader.get_batch(index)]))
            return int(sql.execute(connection, "staging/mark_hard_deleted",
                                    {"detected_at": utc_now()}, current=quote(table)).scalar_one())


def _spool(present_ids: Iterable[str], path: Path, chunk_size: int) -> int:
    count = 0
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, _SPOOL_SCHEMA) as writer:
        for chunk in _chunks(present_ids, chunk_size):
            ids = pa.array(chunk, pa.string())
            _require_full_length_ids(ids)
            writer.write_batch(pa.record_batch([ids], schema=_SPOOL_SCHEMA))
            count += len(ids)
    return count


def _chunks(values: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _require_full_length_ids(ids: pa.Array) -> None:
    # A 15-character Id never equals a staged 18-character one: each would look hard-deleted.
    lengths = pc.utf8_length(ids)
    bad = pc.or_kleene(pc.is_null(ids), pc.not_equal(lengths, SALESFORCE_ID_LENGTH))
    if pc.any(bad).as_py():
        example = ids.filter(bad)[0].as_py()
        raise ValueError(f"present_ids must be 18-character Salesforce Ids; got {example!r}")
