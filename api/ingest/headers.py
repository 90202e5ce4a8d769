"""Comment header and footer lines of the Drupal rendering, and author-name splitting.

A header reads `AUTHOR [(not verified)] [PARENT [(not verified)]] Day, MM/DD/YYYY - HH:MM
Permalink`; a reply's body ends with `In reply to by PARENT [(not verified)]`. Names may hold
spaces, so the footer (or, failing that, names known from elsewhere on the page) decides where
the author ends and the parent begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

NOT_VERIFIED = "(not verified)"
FOOTER_LEAD = "In reply to by "

# The date and the word Permalink, as the last five whitespace-separated tokens of a header
# (matched on those tokens only: a pattern with a lazy name run before `\s+` backtracks
# quadratically over a long run of spaces).
DATE_TAIL = re.compile(
    r"(?P<dow>Mon|Tue|Wed|Thu|Fri|Sat|Sun), "
    r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4}) - "
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2}) Permalink"
)


@dataclass(frozen=True, slots=True)
class Header:
    """A parsed header line; `names` still holds author and parent together."""

    names: str
    local_time: datetime


@dataclass(frozen=True, slots=True)
class Footer:
    """The `In reply to by` line: the parent author and their verified flag."""

    name: str
    verified: bool


@dataclass(frozen=True, slots=True)
class Names:
    """Author and named parent split out of a header."""

    author: str
    author_verified: bool
    parent: str | None = None
    parent_verified: bool | None = None


def match_header(line: str) -> Header | None:
    """Parse a header line; None when the line is not one (or names an impossible time)."""
    if not line.endswith("Permalink"):  # cheap test first: most lines are text
        return None
    parts = line.rsplit(maxsplit=5)
    if len(parts) != 6 or parts[0][0].isspace():
        return None
    m = DATE_TAIL.fullmatch(" ".join(parts[1:]))
    if m is None:
        return None
    try:
        when = datetime(
            int(m["year"]), int(m["month"]), int(m["day"]), int(m["hour"]), int(m["minute"])
        )
    except ValueError:
        return None
    return Header(names=parts[0].strip(), local_time=when)


def match_footer(line: str) -> Footer | None:
    """Parse an `In reply to by NAME [(not verified)]` line (string tests, no backtracking)."""
    line = line.strip()
    if not line.startswith(FOOTER_LEAD):
        return None
    name = line[len(FOOTER_LEAD) :]
    if not name or name[0].isspace():
        return None
    flagged = name[: -len(NOT_VERIFIED)]
    if name.endswith(NOT_VERIFIED) and flagged[-1:].isspace() and flagged.strip():
        return Footer(name=flagged.rstrip(), verified=False)
    return Footer(name=name, verified=True)


def _strip_flag(text: str) -> tuple[str, bool]:
    """Remove a trailing `(not verified)`; return the name and its verified flag."""
    if text.endswith(NOT_VERIFIED):
        return text[: -len(NOT_VERIFIED)].rstrip(), False
    return text, True


@lru_cache(maxsize=8)
def _lengths(known: frozenset[str]) -> frozenset[int]:
    return frozenset(map(len, known))


def split_names(names: str, footer: Footer | None, known: frozenset[str]) -> Names:
    """Split a header's names into author and parent.

    The footer names the parent exactly; without one, a `(not verified)` inside the names or a
    split into two names known from elsewhere on the page marks a reply. Otherwise the whole
    text is a top-level author, so "mary mary" stays one person.
    """
    if footer is not None:
        suffix = footer.name if footer.verified else f"{footer.name} {NOT_VERIFIED}"
        if names.endswith(" " + suffix):
            author, verified = _strip_flag(names[: -len(suffix) - 1].rstrip())
            if author:
                return Names(author, verified, footer.name, footer.verified)
        author, verified = _strip_flag(names)
        return Names(author, verified, footer.name, footer.verified)

    inner = names.find(f" {NOT_VERIFIED} ")
    if inner > 0:
        parent, parent_verified = _strip_flag(names[inner + len(NOT_VERIFIED) + 2 :].strip())
        return Names(names[:inner], False, parent, parent_verified)

    lengths = _lengths(known)  # only cuts where the head has a known name's length
    cut = names.find(" ")
    while cut != -1:
        if cut in lengths and names[:cut] in known:
            tail, tail_verified = _strip_flag(names[cut + 1 :])
            if tail and tail in known:
                return Names(names[:cut], True, tail, tail_verified)
        cut = names.find(" ", cut + 1)
    author, verified = _strip_flag(names)
    return Names(author, verified)
