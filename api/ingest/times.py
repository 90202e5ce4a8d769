"""Find and read the time a page shows: where a date is on a line is ours, what it means is
python-dateutil's; and the range of times the API can store and encode (years 1 to 9999 in
UTC). Pure.

`find_time` locates the span of a line that holds a date and/or a time of day (month names,
numeric dates, clock times, "N units ago"); `read_time` turns that text into a naive local
datetime, resolving relative times against the crawl time when one is known.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING

from dateutil import parser as dateutil_parser

from api.ingest import languages
from api.ingest.date_shapes import read_common
from api.ingest.errors import PageError
from api.ingest.patterns import alternation

if TYPE_CHECKING:
    from api.ingest.model import ParsedPage

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# A zone given as an offset from UTC ("UTC -4", "GMT+05:30")
OFFSET = r"(?-i:UTC|GMT)\s?[+\-\u2212]\s?\d{1,2}(?::?\d{2})?\b"
# A weekday's name or its abbreviation, a whole word ("Satish" and "Sunny" are names)
WEEKDAY = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:rs?(?:day)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)\b\.?,?"
)
# A day stuck to the name before it ("Petal26 October 2012", "Poe240927 October 2012"), only
# where a month and a year follow: two digits after anything, one digit after a letter.
GLUED_DAY = (
    rf"(?<=[^\W_])(?:[0-2]\d|3[01]|(?<=[^\W\d_])\d)(?=\s{{1,3}}{MONTH}\.?,?\s{{1,3}}\d{{4}}\b)"
)
# A month stuck to the digits a name ends with ("fieryredhead686October 22, 2012"), only
# where a day and a year follow
GLUED_MONTH = rf"(?<=\d){MONTH}\.?\s{{1,3}}{DAY},?\s{{1,3}}\d{{4}}"
# Every token starts with a digit, "@", a weekday, a month, "yesterday" or "today": the
# lookahead turns every other start away before the alternatives are tried (first by the
# word's first letter, then by the words factored by prefix).
WORDS = "mon tue wed thu fri sat sun jan feb mar apr may jun jul aug sep oct nov dec".split()
STARTS = rf"(?=[\d@{''.join(sorted({w[0] for w in WORDS}))}y])"
STARTS += rf"(?=[\d@]|{alternation([*WORDS, 'yesterday', 'today'])})"
TOKEN = re.compile(
    rf"{STARTS}(?:{GLUED_DAY}|{GLUED_MONTH}|(?<![\d/:-])(?<!\d\.)(?:(?:\b{WEEKDAY}\s{{1,3}})?(?:"
    rf"{MONTH}\.?\s{{1,3}}{DAY},?(?:\s{{1,3}}\d{{4}})?"  # July 23, 2012
    # 9 Jul 2012, 9 Jul 12 (a day first: two digits after the month are its year); not "Day19 Jul"
    rf"|(?<![^\W\d_]){DAY}\.?\s{{1,3}}{MONTH}\.?,?(?:\s{{1,3}}(?:\d{{4}}|\d{{2}}(?![\d:])))?"
    rf"|{MONTH}\.?,?\s{{1,3}}\d{{4}}"  # July 2012
    rf"|{languages.DATE}"  # 12 mars 2012, 12. März 2012, 12 de marzo de 2012
    r"|\d{4}-\d{1,2}-\d{1,2}(?:T\d{1,2}:\d{2}(?::\d{2})?)?"  # 2012-07-23
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})"  # 07/23/2012, 07.15.12
    r"|(?:@?\d{1,2}:\d{2}(?::\d{2})?\s{0,2}(?:[ap]m\b|[ap]\.m\.)?"  # 9:59 am, @08:25PM
    rf"{languages.CLOCK_SUFFIX}|{languages.CLOCK_H})"  # 14:02 Uhr, 14h02
    rf"(?:\s{{1,2}}(?:\(?{OFFSET}\)|(?-i:[A-Z]{{1,3}}[SD]?T|UTC|GMT)\b))?"  # ET, (UTC -4)
    r"|\d{1,3}\s(?:second|minute|min|hour|hr|day|week|month|year)s?\s+ago"  # 2 hours ago
    rf"|{languages.AGO}"  # vor 2 Stunden, il y a 2 heures, 2 ore fa
    r"|(?:yesterday|today)"
    r"))(?![\w/:])",
    re.IGNORECASE,
)
# TOKEN read with ASCII classes: the same matches on a line of ASCII characters none of which
# is a separator control character (\x1c-\x1f, whitespace to Unicode's `\s` but not to
# ASCII's), and quicker (no Unicode case folding or class lookups).
ASCII_TOKEN = re.compile(TOKEN.pattern, re.IGNORECASE | re.ASCII)
# Where a token may open (what STARTS lets through), in a lowercased ASCII line: a digit, "@"
# or a word's first letters. A search for these, each alternative opening with its own
# character and none folding case, skips every other position in C, where a search for
# TOKEN enters its lookaheads at each position.
OPENING = re.compile(alternation([*"0123456789@", *WORDS, "yesterday", "today"]))
SEPARATOR_CONTROL = re.compile("[\x1c-\x1f]")
MONTH_WORD = re.compile(rf"(?<![^\W\d_]){MONTH}(?![^\W\d_])", re.IGNORECASE)
JOINER = re.compile(
    r"^[\s,|@(·•-]*(?:(?:at|on|um|à|às|a las?|alle|om)[\s,|@·•-]*)?$", re.IGNORECASE
)
CLOSE = re.compile(r"\s{0,2}\)")
RELATIVE = re.compile(
    r"(\d{1,3})\s(second|minute|min|hour|hr|day|week|month|year)s?\s+ago", re.IGNORECASE
)
UNIT_SECONDS = {
    "second": 1,
    "min": 60,
    "minute": 60,
    "hr": 3600,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,
    "year": 365 * 86400,
}
MAX_LINE = 300
NO_CRAWL_DAY = datetime(1970, 1, 1)  # fills in what a time leaves out, when no crawl time is known
DIGIT = re.compile(r"\d")
# The four patterns below each open with a character set, which the engine scans for in C
# rather than trying the whole pattern at every position: a word boundary before a letter is
# a lookbehind after it (`(?<!\w.)`: the character before the letter is not a word
# character), and which letter opened a branch is a lookbehind too.
# A zone name: `\b[A-Z]{1,3}[SD]?T\b|\bUTC\b|\bGMT\b`; each holds a capital T.
ZONE = re.compile(r"[A-Z](?<!\w.)(?:[A-Z]{0,2}[SD]?T|(?<=U)TC|(?<=G)MT)\b")
ZONE_OFFSET = re.compile(rf"\(?{OFFSET}\)?")
# An ordinal's suffix: `(?<=\d)(?:st|nd|rd|th)\b`
ORDINAL = re.compile(r"(?:st|nd|rd|th)(?<=\d..)\b")
# `\b(?:at|on|um)\b`, any case (no other character matches these letters ignoring case)
LINK_WORD = re.compile(r"[aAoOuU](?<!\w.)(?:(?<=[aA])[tT]|(?<=[oO])[nN]|(?<=[uU])[mM])\b")
# A year, or a numeric date with a short one: `\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2}`
YEAR = re.compile(
    rf"\d(?:\d{{3}}|\d?[/.-]\d{{1,2}}[/.-]\d{{2}}|\d?\s{{1,3}}(?i:{MONTH})\.?,?\s{{1,3}}\d{{2}}\b)"
)


@lru_cache(maxsize=65_536)
def find_time(line: str) -> tuple[int, int] | None:
    """Start and end of the date/time text on a short line (tokens joined by "at", ",", "|",
    "-", "@", "·", "•" or "("), or None. Lines longer than MAX_LINE are prose, never a header."""
    if len(line) > MAX_LINE:
        return None
    if DIGIT.search(line) is None:
        lowered = line.lower()
        if "yesterday" not in lowered and "today" not in lowered:
            return None
    groups: list[tuple[int, int]] = []
    ascii_only = line.isascii() and (line.isprintable() or SEPARATOR_CONTROL.search(line) is None)
    for m in _ascii_tokens(line) if ascii_only else TOKEN.finditer(line):
        if (
            groups
            and m[0][-3:].lower() != "ago"  # "1:23 pm - 3 hours ago": the same time again
            and JOINER.match(line[groups[-1][1] : m.start()])
            and not _two_months(line[groups[-1][0] : groups[-1][1]], m[0])
        ):
            groups[-1] = (groups[-1][0], m.end())
        elif m.lastgroup is None:
            groups.append(m.span())
        else:  # "vor 2 Stunden": the words before the number are the time's
            groups.append((languages.ago_start(line, m.start()), m.end()))
    if not groups:
        return None
    start, end = groups[0] if len(groups) == 1 else max(groups, key=lambda g: g[1] - g[0])
    if "(" in line[start:end] and (close := CLOSE.match(line, end)) is not None:
        end = close.end()  # "2 hours ago (4:28 PM)": the bracket closes the time
    return start, end


def _ascii_tokens(line: str) -> list[re.Match[str]]:
    """`ASCII_TOKEN.finditer(line)`, for an ASCII line: TOKEN is tried only where OPENING
    finds that a token may open (in the line lowercased, each character in its place)."""
    lowered = line.lower()
    found: list[re.Match[str]] = []
    at = 0
    while (opening := OPENING.search(lowered, at)) is not None:
        token = ASCII_TOKEN.match(line, opening.start())
        if token is None:
            at = opening.start() + 1
        else:
            found.append(token)
            at = token.end()
    return found


def _two_months(before: str, after: str) -> bool:
    """Whether both pieces name a month: one date shows one ("21 Jan November 8, 2012": the
    first piece is a name, "Jan", after a comment's number)."""
    return MONTH_WORD.search(before) is not None and MONTH_WORD.search(after) is not None


@lru_cache(maxsize=16_384)
def read_time(text: str, crawled_at: datetime | None = None) -> datetime | None:
    """The naive local time `text` names, or None. Relative times need `crawled_at`; a date
    without a year is read in the crawl's year when known, else not at all."""
    lowered = text.lower()
    relative = RELATIVE.search(text) if "ago" in lowered else None  # cheap test first
    if relative is not None:
        if crawled_at is None:
            return None
        unit = relative[2].lower()
        seconds = int(relative[1]) * UNIT_SECONDS[unit]
        return crawled_at.replace(tzinfo=None) - timedelta(seconds=seconds)
    if crawled_at is not None and (before := languages.ago(text)) is not None:
        return crawled_at.replace(tzinfo=None) - timedelta(seconds=before)  # "vor 2 Stunden"
    if "yesterday" in lowered or "today" in lowered:
        if crawled_at is None:
            return None
        day = crawled_at.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
        if "yesterday" in lowered:
            day -= timedelta(days=1)
        return day
    cleaned = _cleaned(text)
    if crawled_at is None and YEAR.search(cleaned) is None:
        return None  # no year on the page and none to borrow
    if crawled_at is None:
        default = NO_CRAWL_DAY
    else:
        default = crawled_at.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    common = read_common(cleaned, default)  # most shapes, without dateutil's cost
    if common is not None:
        return common
    english = languages.in_english(text)  # "12. März 2012 um 14:02 Uhr"
    if english is not None:
        text, cleaned = english, _cleaned(english)
        common = read_common(cleaned, default)
        if common is not None:
            return common
    span = find_time(text)
    if span is not None and span[1] - span[0] < len(text):
        # "Reply#1 - DATE": the words around the date are not read (dateutil's fuzzy reading
        # would take the "1" for a day)
        cleaned = _cleaned(text[span[0] : span[1]])
        common = read_common(cleaned, default)
        if common is not None:
            return common
    try:
        when = dateutil_parser.parse(cleaned, default=default, fuzzy=True, ignoretz=True)
    except (ValueError, OverflowError):
        return None
    return when.replace(tzinfo=None)


def _cleaned(text: str) -> str:
    """A time's text as read: no ordinal suffixes, link words or zone names."""
    cleaned = ORDINAL.sub("", text.replace("@", " "))
    cleaned = LINK_WORD.sub(" ", cleaned)
    if "T" not in cleaned:  # every zone name holds a capital T: most times show none
        return cleaned
    return ZONE.sub(" ", ZONE_OFFSET.sub(" ", cleaned))  # the page's zone is given separately


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
        # The same time in `zone` (fold kept); combine is several times quicker than replace,
        # which parses its keywords (a subclass keeps its type through replace)
        if type(local) is datetime:
            aware = datetime.combine(local, local.time(), zone)
        else:
            aware = local.replace(tzinfo=zone)
        when = aware.astimezone(UTC)
    except (OverflowError, ValueError):
        when = None
    if when is None or not in_range(when):
        raise PageError(f"the time {local:%Y-%m-%d %H:%M} in {zone} is outside {RANGE}", line)
    return when


def first_out_of_range(page: ParsedPage) -> int | None:
    """Position of the first comment whose time lies outside the range, if any."""
    return next(
        (
            c.position
            for c in page.comments
            if c.posted_at is not None and not in_range(c.posted_at)
        ),
        None,
    )
