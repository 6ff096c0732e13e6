"""Vectorised building blocks for the demo-org generator: hash-based randomness, IDs, Arrow columns.

Every generated value is a pure function of (seed, a salt naming the field, the record number).
That is what makes the org byte-identical for a seed whatever the chunk size, and lets a child
record recompute a parent's attributes (its account, creation time, deletion) without a lookup.
"""

import zlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..org import ids

MS_PER_DAY = 86_400_000
_U64 = np.uint64
_BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8)
_CHECKSUM = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", np.uint8)


def _splitmix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a cheap, well-mixed uint64 -> uint64 hash (wraps on purpose)."""
    x = x + _U64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> _U64(27))) * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


class Random:
    """Pseudo-random draws keyed by (seed, salt, record number) rather than by call order."""

    def __init__(self, seed: int):
        self.seed = seed

    def bits(self, salt: str, numbers: np.ndarray) -> np.ndarray:
        key = _splitmix(np.array([(self.seed << 32) ^ zlib.crc32(salt.encode())], dtype=np.uint64))
        return _splitmix(_splitmix(numbers.astype(np.uint64) ^ key))

    def unit(self, salt: str, numbers: np.ndarray) -> np.ndarray:
        """Uniform floats in [0, 1)."""
        return (self.bits(salt, numbers) >> _U64(11)).astype(np.float64) * 2.0 ** -53

    def below(self, salt: str, numbers: np.ndarray, bound) -> np.ndarray:
        """Integers in [0, bound); bound may be an array (one bound per record)."""
        return (self.unit(salt, numbers) * bound).astype(np.int64)

    def chance(self, salt: str, numbers: np.ndarray, p: float) -> np.ndarray:
        return self.unit(salt, numbers) < p

    def index(self, salt: str, numbers: np.ndarray, weights) -> np.ndarray:
        """Indices into `weights`, drawn with those relative weights."""
        cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
        return np.searchsorted(cumulative / cumulative[-1], self.unit(salt, numbers), side="right")

    def pick(self, salt: str, numbers: np.ndarray, values, weights=None) -> pa.Array:
        """Strings (or None) from `values` as an Arrow column."""
        idx = (self.index(salt, numbers, weights) if weights is not None
               else self.below(salt, numbers, len(values)))
        return pc.take(pa.array(values, pa.string()), pa.array(idx))


def mint_ids(key_prefix: str, numbers: np.ndarray, null_mask: np.ndarray | None = None) -> pa.Array:
    """ids.mint for a whole column: prefix + pod + '0' + 9 base-62 digits + case-safe checksum."""
    n = np.asarray(numbers, dtype=np.int64).copy()
    chars = np.empty((len(n), 18), np.uint8)
    chars[:, :6] = np.frombuffer(f"{key_prefix}{ids.POD}0".encode(), np.uint8)
    for position in range(14, 5, -1):
        chars[:, position] = _BASE62[n % 62]
        n //= 62
    upper = (chars[:, :15] >= ord("A")) & (chars[:, :15] <= ord("Z"))
    weights = 1 << np.arange(5)
    for chunk in range(3):
        chars[:, 15 + chunk] = _CHECKSUM[(upper[:, chunk * 5:chunk * 5 + 5] * weights).sum(axis=1)]
    column = pa.array(chars.reshape(-1).view("S18"), mask=null_mask).cast(pa.string())
    return column


def timestamps(ms: np.ndarray, null_mask: np.ndarray | None = None) -> pa.Array:
    """A datetime column with whole seconds, as Salesforce (and the Store) keeps datetimes.

    Times are computed in milliseconds and floored here; flooring keeps every ordering
    (CreatedDate <= LastModifiedDate <= SystemModstamp <= now) intact."""
    seconds = np.asarray(ms, dtype=np.int64) // 1000
    return pa.array(seconds, pa.timestamp("s"), mask=null_mask)


def dates(days: np.ndarray, null_mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), pa.date32(), mask=null_mask)


def numbers_column(values: np.ndarray, null_mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(values, mask=null_mask)


def null_where(mask: np.ndarray, column: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), pa.scalar(None, column.type), column)


def where(mask: np.ndarray, if_true, if_false) -> pa.Array:
    """Element-wise choice between columns or plain strings.

    A plain string is spliced in only where chosen: pc.if_else would size its output as if the
    string were on every row, which overflows for the 100,000-character texts.
    """
    mask = np.asarray(mask, dtype=bool)
    if isinstance(if_true, str) and isinstance(if_false, str):
        return pc.take(pa.array([if_false, if_true]), pa.array(mask.astype(np.int8)))
    if isinstance(if_true, str):
        return pc.replace_with_mask(if_false, pa.array(mask),
                                    pa.array([if_true] * int(mask.sum()), if_false.type))
    if isinstance(if_false, str):
        return pc.replace_with_mask(if_true, pa.array(~mask),
                                    pa.array([if_false] * int((~mask).sum()), if_true.type))
    return pc.if_else(pa.array(mask), if_true, if_false)


def join(*parts, sep: str = "") -> pa.Array:
    """Element-wise string concatenation of Arrow columns and plain strings."""
    return pc.binary_join_element_wise(*parts, sep)


def as_text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def spread_in_time(rand: Random, salt: str, numbers: np.ndarray, total: int,
                   start_ms: int, span_ms: int) -> np.ndarray:
    """Creation times that rise with the record number, as real IDs do, each in its own slot."""
    slot = (numbers - 1 + rand.unit(salt, numbers)) / total
    return start_ms + (slot * span_ms).astype(np.int64)


def between(rand: Random, salt: str, numbers: np.ndarray, low_ms, high_ms,
            skew: int = 1) -> np.ndarray:
    """Millisecond times in [low, high]; skew > 1 pulls them towards `low`.

    Powers are plain multiplications: numpy's pow() may use CPU-specific SIMD code whose last
    bit differs between machines, and the org must be byte-identical everywhere.
    """
    u = rand.unit(salt, numbers)
    fraction = u
    for _ in range(skew - 1):
        fraction = fraction * u
    low_ms = np.asarray(low_ms, np.int64)
    return low_ms + (fraction * (np.asarray(high_ms) - low_ms)).astype(np.int64)


def from_quantiles(rand: Random, salt: str, numbers: np.ndarray, quantiles) -> np.ndarray:
    """Values with a skewed distribution given as (cumulative share, value) points, by linear
    interpolation (basic arithmetic only, for cross-machine determinism; see between())."""
    shares, values = zip(*quantiles)
    return np.interp(rand.unit(salt, numbers), shares, values)


def lifecycle(rand: Random, salt: str, numbers: np.ndarray, created_ms: np.ndarray,
              until_ms: np.ndarray, deleted: np.ndarray, now_ms: int,
              modified_ms: np.ndarray | None = None):
    """LastModifiedDate and SystemModstamp for records alive until `until_ms` (deletion or now).

    Deleted records get SystemModstamp = their deletion time; about one live record in six has
    a SystemModstamp later than LastModifiedDate, as system updates (rollups, re-index) do.
    """
    if modified_ms is None:
        modified_ms = between(rand, salt + ".modified", numbers, created_ms, until_ms, skew=3)
    modified_ms = np.clip(modified_ms, created_ms, until_ms)
    bumped = rand.chance(salt + ".bumped", numbers, 1 / 6)
    system_ms = np.where(bumped, between(rand, salt + ".system", numbers, modified_ms,
                                         np.minimum(until_ms, modified_ms + 30 * MS_PER_DAY)),
                         modified_ms)
    modstamp_ms = np.where(deleted, until_ms, system_ms)
    return modified_ms, np.minimum(modstamp_ms, now_ms)


def deletion(rand: Random, salt: str, numbers: np.ndarray, share: float,
             created_ms: np.ndarray, now_ms: int):
    """(deleted?, alive-until ms): a record's own deletion, recomputable by its children."""
    deleted = rand.chance(salt + ".deleted", numbers, share)
    deleted_ms = created_ms + ((0.3 + 0.7 * rand.unit(salt + ".deleted_at", numbers))
                               * (now_ms - created_ms)).astype(np.int64)
    deleted_ms = np.minimum(np.maximum(deleted_ms, created_ms + 1), now_ms)
    return deleted, np.where(deleted, deleted_ms, now_ms)
