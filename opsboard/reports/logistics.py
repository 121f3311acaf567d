"""The daily report's logistics section: the custody figures of the day
(``field.logistics.selectors.logistics_day_counts``, the same scope as the logistics panel)."""

from datetime import datetime
from typing import Any

from field.logistics.selectors import logistics_day_counts


def logistics_status(reader, *, starts_at: datetime, ends_at: datetime) -> dict[str, Any] | None:
    """The custody figures of the day in the reader's scope; None when no batch had a leg planned
    or moved that day, so the report says "belum ada data" rather than a row of zeros."""
    counts = logistics_day_counts(reader, starts_at=starts_at, ends_at=ends_at)
    return counts if counts["batches"] else None
