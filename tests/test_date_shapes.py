"""The fast reader of common date shapes answers what python-dateutil answers, or nothing."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from dateutil import parser as dateutil_parser

from api.ingest.date_shapes import read_common

WEEKDAYS = ["", "Mon ", "Monday, ", "tue,  ", "SUNDAY ", "Thurs, ", "Fri. "]
MONTHS = ["October", "oct", "Oct.", "SEPT", "Sept.", "sep", "May", "february", "Febr", "June"]
DAYS = [0, 1, 9, 12, 13, 28, 29, 30, 31, 32, 99]
YEARS = ["2012", "2016", "1999", "0999", "9999", "12", "00", "45", "76", "99", "7"]
JOINS = [" ", ", ", ",  ", " - ", "  -  ", ",", " | ", " · ", "·", "  ·  "]
HOURS = [0, 1, 9, 11, 12, 13, 23, 24, 99]
MINUTES = ["00", "07", "59", "60", "5"]
HALVES = ["", " am", "pm", " PM", " a.m.", " p"]
DEFAULTS = [datetime(1970, 1, 1), datetime(2014, 3, 5), datetime(2001, 6, 9)]


def _date(rng: random.Random) -> str:
    month, day, year = rng.choice(MONTHS), rng.choice(DAYS), rng.choice(YEARS)
    number = rng.randint(0, 14)
    shape = rng.randrange(6)
    if shape == 0:
        return f"{rng.choice(WEEKDAYS)}{month} {day}{rng.choice(['', ','])} {year}"
    if shape == 4:  # no year: the default's
        return f"{rng.choice(WEEKDAYS)}{month} {day}"
    if shape == 5:  # three numbers of two digits at most, the first maybe the year
        mark, second = rng.choice("/.-"), rng.choice([number, day])
        return (
            f"{rng.choice(WEEKDAYS)}{rng.choice(DAYS)}{mark}{second}{rng.choice([mark, '/'])}{year}"
        )
    if shape == 1:
        return f"{rng.choice(WEEKDAYS)}{day}{rng.choice(['', '.'])} {month}, {year}"
    if shape == 2:
        return f"{year}-{number:02d}-{day:02d}"
    mark = rng.choice("/.-")
    return f"{rng.choice(WEEKDAYS)}{day:02d}{mark}{number}{rng.choice([mark, '/'])}{year}"


def _text(rng: random.Random) -> str:
    text = _date(rng)
    if rng.random() < 0.7:
        seconds = rng.choice(["", ":30", ":75"])
        clock = f"{rng.choice(HOURS)}:{rng.choice(MINUTES)}{seconds}{rng.choice(HALVES)}"
        text += rng.choice(JOINS) + clock
    return text + rng.choice(["", " ", "  "])


def _dateutil(text: str, default: datetime) -> datetime | None:
    try:
        when = dateutil_parser.parse(text, default=default, fuzzy=True, ignoretz=True)
    except (ValueError, OverflowError):
        return None
    return when.replace(tzinfo=None)


@pytest.mark.parametrize("seed", range(4))
def test_every_time_read_fast_is_the_time_dateutil_reads(seed: int) -> None:
    rng = random.Random(seed)
    read = 0
    for _ in range(2_000):
        text = _text(rng)
        for default in DEFAULTS:
            fast = read_common(text, default)
            if fast is not None:
                read += 1
                assert fast == _dateutil(text, default), text
    assert read > 200  # the common shapes are read, not all left to dateutil


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("October 29, 2012   1:49 am", datetime(2012, 10, 29, 1, 49)),
        ("Mon, Nov 5, 2012, 12:05 pm", datetime(2012, 11, 5, 12, 5)),
        ("Nov 5, 2012 - 12:05AM", datetime(2012, 11, 5, 0, 5)),
        ("29. Oct, 2012", datetime(2012, 10, 29)),
        ("29 October 2012 14:02:09", datetime(2012, 10, 29, 14, 2, 9)),
        ("Sun, 06/18/2017 - 14:45", datetime(2017, 6, 18, 14, 45)),
        ("18.06.2017 14:45", datetime(2017, 6, 18, 14, 45)),
        ("2012-10-29 14:02", datetime(2012, 10, 29, 14, 2)),
        ("07.15.12   11:59", datetime(2012, 7, 15, 11, 59)),
        ("24/10/12", datetime(2012, 10, 24)),
        ("Thursday, November 1   2:57 pm", datetime(1970, 11, 1, 14, 57)),
        ("November 1, 2012 · 2:57 pm", datetime(2012, 11, 1, 14, 57)),
    ],
)
def test_common_shapes_are_read_without_dateutil(text: str, expected: datetime) -> None:
    assert read_common(text, DEFAULTS[0]) == expected == _dateutil(text, DEFAULTS[0])


@pytest.mark.parametrize(
    "text",
    [
        "Feb 30, 2012",
        "13:30 pm Oct 5, 2012",
        "Oct 5, 2012 25:00",
        "10/18/012 9:21 PM",
        "Oct 5 2",
        "\u017fep 5, 2012",  # U+017F matches "s" ignoring case, but lowercases to itself
        "5 \u017fept 2012",
    ],
)
def test_other_shapes_are_left_to_dateutil(text: str) -> None:
    assert read_common(text, DEFAULTS[0]) is None
