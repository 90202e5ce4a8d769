"""The range of times the API can store and encode: years 1 to 9999, in UTC. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from api.ingest.errors import PageError
from api.ingest.model import ParsedPage

EARLIEST = datetime(1, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
MIN_EPOCH = int(EARLIEST.timestamp())
MAX_EPOCH = int(LATEST.timestamp())
RANGE = "0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z"


def in_range(when: datetime) -> bool:
    """Whether an aware time lies in the range, whatever its offset."""
    return MIN_EPOCH <= when.timestamp() <= MAX_EPOCH


def local_to_utc(local: datetime, zone: tzinfo, line: int | None = None) -> datetime:
    """A naive page time read in `zone`, in UTC; a PageError when UTC cannot hold it."""
    try:
        when = local.replace(tzinfo=zone).astimezone(UTC)
    except (OverflowError, ValueError):
        when = None
    if when is None or not in_range(when):
        raise PageError(f"the time {local:%Y-%m-%d %H:%M} in {zone} is outside {RANGE}", line)
    return when


def first_out_of_range(page: ParsedPage) -> int | None:
    """Position of the first comment whose time lies outside the range, if any."""
    return next((c.position for c in page.comments if not in_range(c.posted_at)), None)
