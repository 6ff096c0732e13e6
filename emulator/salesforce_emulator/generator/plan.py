"""Sizes of the demo org per scale, the shared generation context, and the Arrow bulk insert."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np
import pyarrow as pa

from ..org.schema import PICKLISTS
from ..org.store import Store, quote
from .random import MS_PER_DAY, Random

COMPANY_DOMAIN = "acme-demo.com"  # the org's own email domain; other domains are unlicensed
HISTORY_DAYS = 3 * 365            # records are spread over this many days before `now`


@dataclass(frozen=True)
class Scale:
    users: int
    accounts: int
    opportunities: int
    tasks: int
    events: int
    emails: int
    contacts_per_account: int = 10
    chunk_rows: int = 250_000

    @property
    def contacts(self) -> int:
        return self.accounts * self.contacts_per_account


SCALES = {
    "small": Scale(users=50, accounts=500, opportunities=5_000,
                   tasks=12_500, events=7_500, emails=5_000),
    "medium": Scale(users=200, accounts=10_000, opportunities=100_000,
                    tasks=250_000, events=150_000, emails=100_000, chunk_rows=100_000),
    "large": Scale(users=1_000, accounts=100_000, opportunities=1_000_000,
                   tasks=2_500_000, events=1_500_000, emails=1_000_000),
}


def values_of(picklist: str) -> list[str]:
    """All values of a schema picklist, inactive ones included."""
    return [value for value, _ in PICKLISTS[picklist]]


def to_utc_ms(moment: datetime) -> int:
    """Milliseconds since the epoch, naive datetimes taken as UTC (as the Store keeps them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(milliseconds=1)


@dataclass
class Plan:
    """Everything a generator step needs: sizes, seed, the time window, users' email addresses."""

    scale: Scale
    rand: Random
    now_ms: int
    user_emails: pa.Array | None = None  # index = user number; trimmed, as mail headers carry
    user_names: pa.Array | None = None

    @property
    def span_ms(self) -> int:
        return HISTORY_DAYS * MS_PER_DAY

    @property
    def start_ms(self) -> int:
        return self.now_ms - self.span_ms

    @property
    def today(self) -> int:
        """Days since the epoch of `now`."""
        return self.now_ms // MS_PER_DAY

    def fraction_of_history(self, ms: np.ndarray) -> np.ndarray:
        return np.clip((ms - self.start_ms) / self.span_ms, 0.0, 1.0)

    def chunks(self, total: int):
        """Record-number ranges [first, last] in chunk_rows steps: bounded memory at any scale."""
        for first in range(1, total + 1, self.scale.chunk_rows):
            yield np.arange(first, min(first + self.scale.chunk_rows, total + 1), dtype=np.int64)

    def sales_users(self, salt: str, numbers: np.ndarray) -> np.ndarray:
        """User numbers 2..n (everyone but the admin), for owners of business records."""
        return 2 + self.rand.below(salt, numbers, self.scale.users - 1)


def insert_columns(store: Store, obj_name: str, columns: dict) -> int:
    """Append one chunk of generated rows to an object's table; missing columns become NULL."""
    table = pa.table(columns)
    view = f"_generated_{obj_name.lower()}"
    with store.lock:
        store.con.register(view, table)
        try:
            store.con.execute(f"INSERT INTO {quote(obj_name)} BY NAME SELECT * FROM {view}")
        finally:
            store.con.unregister(view)
    return table.num_rows
