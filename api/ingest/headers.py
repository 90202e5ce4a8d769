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

NOT_VERIFIED = "(not verified)"

HEADER_RE = re.compile(
    r"^(?P<names>\S.*?)\s+(?P<dow>Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s+"
    r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})\s+-\s+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})\s+Permalink\s*$"
)
FOOTER_RE = re.compile(r"^In reply to by (?P<name>\S.*?)(?P<nv>\s+\(not verified\))?\s*$")


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
    m = HEADER_RE.match(line)
    if m is None:
        return None
    try:
        when = datetime(
            int(m["year"]), int(m["month"]), int(m["day"]), int(m["hour"]), int(m["minute"])
        )
    except ValueError:
        return None
    return Header(names=m["names"].strip(), local_time=when)


def match_footer(line: str) -> Footer | None:
    """Parse an `In reply to by NAME [(not verified)]` line."""
    m = FOOTER_RE.match(line.strip())
    if m is None:
        return None
    return Footer(name=m["name"], verified=m["nv"] is None)


def _strip_flag(text: str) -> tuple[str, bool]:
    """Remove a trailing `(not verified)`; return the name and its verified flag."""
    if text.endswith(NOT_VERIFIED):
        return text[: -len(NOT_VERIFIED)].rstrip(), False
    return text, True


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

    words = names.split(" ")
    for cut in range(1, len(words)):
        head = " ".join(words[:cut])
        tail, tail_verified = _strip_flag(" ".join(words[cut:]))
        if head in known and tail in known and tail:
            return Names(head, True, tail, tail_verified)
    author, verified = _strip_flag(names)
    return Names(author, verified)
