"""The commonest shapes of a comment's date, read without python-dateutil. Pure.

Most times on comment pages come in a few shapes ("October 29, 2012 1:49 pm", "29 Oct
2012 14:02", "10/29/2012 - 14:02", "10.29.12 14:02", "2012-10-29 14:02", "Monday, October 29
1:49 pm" in the crawl's year, "October 29, 2012 · 1:49 pm"). `read_common` reads exactly those, as
`dateutil.parser.parse(text, default=..., fuzzy=True)` reads them (a test holds the two to
the same answers), and answers None for anything else, which then goes to dateutil. Every
field it accepts is in range, so it never has to guess how dateutil would bend a bad one; a
date the calendar lacks (February 30) goes to dateutil too, which refuses it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from dateutil.parser import DEFAULTPARSER

# Month and weekday names as python-dateutil's parserinfo knows them (any case).
MONTHS: Final = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = "mon|monday|tue|tuesday|wed|wednesday|thu|thursday|fri|friday|sat|saturday|sun|sunday"
MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))
COMMON = re.compile(
    rf"(?:(?:{WEEKDAYS}),?[ ]{{1,3}})?(?:"
    rf"(?P<month>{MONTH_NAME})\.?[ ]{{1,3}}(?P<day>\d{{1,2}})"
    r"(?:,?[ ]{1,3}(?P<year>[1-9]\d{3}))?"  # no year: the default's
    rf"|(?P<day2>\d{{1,2}})\.?[ ]{{1,3}}(?P<month2>{MONTH_NAME})\.?,?[ ]{{1,3}}"
    r"(?P<year2>[1-9]\d{3})"
    r"|(?P<year3>[1-9]\d{3})-(?P<month3>\d{2})-(?P<day3>\d{2})"
    r"|(?P<first>\d{1,2})(?P<mark>[/.-])(?P<second>\d{1,2})(?P=mark)(?P<year4>[1-9]\d{3}|\d\d))"
    r"(?:(?:,?[ ]{1,4}|[ ]{1,3}[-·][ ]{1,3})"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<sec>\d{2}))?(?:[ ]?(?P<half>[ap]m))?)?",
    re.IGNORECASE,
)


# What dateutil.parser.parse reads with: its reading of a two-digit year (within 50 years of
# the year it was imported in)
CENTURY: Final = DEFAULTPARSER.info


def _two_digit_year(first: int, second: int, last: int) -> tuple[int, int, int]:
    """Year, month and day of "first/second/last", none of them written with more than two
    digits: a first number above 31 is the year, above 12 the day (then the month and the
    year), else the month (then the day and the year)."""
    if first > 31:
        year, month, day = first, second, last
    elif first > 12:
        day, month, year = first, second, last
    else:
        month, day, year = first, second, last
    return CENTURY.convertyear(year), month, day


def read_common(text: str, default: datetime) -> datetime | None:
    """The naive time `text` names when it is in a common shape, else None. `default` gives
    what the text leaves out: the time of day, which it takes whole, and a month and day's
    year."""
    m = COMMON.fullmatch(text.strip())
    if m is None:
        return None
    if m["month"] is not None:  # no year: the default's, as dateutil takes it
        year = default.year if m["year"] is None else int(m["year"])
        month, day = MONTHS.get(m["month"].lower(), 0), int(m["day"])
    elif m["month2"] is not None:
        year, month, day = int(m["year2"]), MONTHS.get(m["month2"].lower(), 0), int(m["day2"])
    elif m["year3"] is not None:
        year, month, day = int(m["year3"]), int(m["month3"]), int(m["day3"])
    elif len(m["year4"]) == 2:  # three numbers of two digits, resolved as dateutil does
        year, month, day = _two_digit_year(int(m["first"]), int(m["second"]), int(m["year4"]))
    else:  # month first unless it cannot be (10/8/2012, 18/10/2012), as dateutil reads it
        year, month, day = int(m["year4"]), int(m["first"]), int(m["second"])
        if month > 12:
            month, day = day, month
    # (month 0: a name the pattern matched ignoring case that lowercases to none of dateutil's,
    # "sep" written with a long s, U+017F, is dateutil's to read)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    if m["hour"] is None:
        hour, minute, second = default.hour, default.minute, default.second
    else:
        hour, minute = int(m["hour"]), int(m["minute"])
        second = 0 if m["sec"] is None else int(m["sec"])
        if minute > 59 or second > 59:
            return None
        half = m["half"]
        if half is None:
            if hour > 23:
                return None
        elif not 1 <= hour <= 12:
            return None
        elif half.lower() == "pm":
            hour = hour % 12 + 12
        else:
            hour %= 12
    try:
        return datetime(year, month, day, hour, minute, second, default.microsecond)
    except ValueError:  # a day the month does not have: dateutil's to refuse
        return None
