"""A page time read in its zone is the instant `replace(tzinfo=zone)` names, in UTC."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from api.ingest.errors import PageError
from api.ingest.times import in_range, local_to_utc

ZONES: list[tzinfo] = [
    UTC,
    timezone(timedelta(hours=-4)),
    ZoneInfo("America/New_York"),
    ZoneInfo("Europe/London"),
    ZoneInfo("Pacific/Kiritimati"),
]


def _expected(local: datetime, zone: tzinfo) -> datetime | None:
    try:
        when = local.replace(tzinfo=zone).astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return when if in_range(when) else None


def test_local_times_are_the_instants_they_name_in_the_zone() -> None:
    rng = random.Random(3)
    for _ in range(5_000):
        local = datetime(
            rng.choice([1, 2, 1999, 2012, 2021, 9998, 9999]),
            rng.randint(1, 12),
            rng.randint(1, 28),
            rng.randint(0, 23),
            rng.randint(0, 59),
            rng.randint(0, 59),
            rng.choice([0, 5, 999_999]),
            fold=rng.randint(0, 1),
        )
        zone = rng.choice(ZONES)
        expected = _expected(local, zone)
        if expected is None:
            with pytest.raises(PageError):
                local_to_utc(local, zone)
            continue
        when = local_to_utc(local, zone)
        assert (when, when.tzinfo, when.fold) == (expected, expected.tzinfo, expected.fold)


def test_a_repeated_hour_is_read_by_its_fold() -> None:
    zone = ZoneInfo("America/New_York")
    first = local_to_utc(datetime(2012, 11, 4, 1, 30), zone)
    second = local_to_utc(datetime(2012, 11, 4, 1, 30, fold=1), zone)
    assert second - first == timedelta(hours=1)
