"""Timestamps in the warehouse are naive UTC, like the extracted Arrow batches."""

from datetime import datetime, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_utc_naive(value: datetime | None) -> datetime | None:
    """Aware datetimes (Dagster partition windows) become naive UTC; naive ones are taken as UTC."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(timezone.utc).replace(tzinfo=None)
