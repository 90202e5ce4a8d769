"""Replies a comment states in its own text: `@name` or `@7`, `NAME,` or `NAME -` opening the body,
`NAME wrote:`, "Originally posted ... by NAME", "In reply to NAME", "Response to NAME, DATE".
Pure.

Each names an earlier comment's author; the nearest such comment above is the parent. Names
are looked up in a dict as the page is read, so the cost stays linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from api.ingest.times import find_time

AT = re.compile(r"^@\s?(?P<name>[^\s:,—–-][^\n:,—–]{0,40})")
# "@7", "@ #7", "#7": comment 7 ("#1, #2 -": the first named)
NUMBER = re.compile(r"^(?:@\s?#?|#)(?P<number>\d{1,5})(?!\d|[:./]\d)")
VOCATIVE = re.compile(r"^(?P<name>[^\n,:—–-]{1,40}?)\s*(?:,|:|\s[-—–])(?:\s|$)")
QUOTED = re.compile(
    r"^(?:.{0,60}?\bposted\b.{0,40}?\bby\s+(?P<by>[^\n]{1,40}?)\s*$"
    r"|(?P<wrote>[^\n]{1,40}?)\s+(?:wrote|said)\s*:\s*$"
    r"|(?:in\s+)?(?:reply|response)\s+to\s+(?P<to>[^\n,]{1,40}?)\s*(?:,[^\n]{0,40})?(?:[.:]\s*)?$)",
    re.IGNORECASE,
)


def _key(name: str) -> str:
    return " ".join(name.lower().split())


@dataclass(slots=True)
class Authors:
    """The latest position of every author read so far, by full name and by first word."""

    full: dict[str, int] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)

    def add(self, author: str, position: int) -> None:
        key = _key(author)
        if key:
            self.full[key] = position
            self.first[key.split()[0]] = position

    def find(self, name: str, *, loose: bool) -> int | None:
        """The nearest comment by `name` (or, when loose, by an author whose first word it is)."""
        key = _key(name).strip(".!?")
        if not key:
            return None
        if key in self.full:
            return self.full[key]
        if loose:
            words = key.split()
            for cut in range(len(words), 0, -1):  # "@Ken — ..." matches "Ken Y."
                hit = self.first.get(words[0]) if cut == 1 else self.full.get(" ".join(words[:cut]))
                if hit is not None:
                    return hit
        return None


class Opening(NamedTuple):
    """How a body opens, read once for both its stated parent and its reply line: the body
    without leading space, its first line (stripped), and that line read as a quote header
    or reply line."""

    text: str
    first: str
    quoted: re.Match[str] | None


def opening(body: str) -> Opening:
    text = body.lstrip()
    first = text.partition("\n")[0].strip()
    return Opening(text, first, reply_header(first))


# What a line needs for each form of QUOTED: "posted ... by", a colon ("NAME wrote:"), or to
# open with "in" or "reply"/"response" (U+0130 and U+0131 match i, ignoring case; no other
# letter of these words matches anything but itself in either case).
REPLY_OPENERS = "iIrR\u0130\u0131"


def reply_header(line: str) -> re.Match[str] | None:
    """QUOTED.match(line), without running it on the many lines it cannot match."""
    if ":" not in line and line[:1] not in REPLY_OPENERS:
        lowered = line.lower()
        if "ted" not in lowered or "by" not in lowered:
            return None
    return QUOTED.match(line)


def without_reply_line(body: str, opened: Opening | None = None) -> str:
    """The body without an opening "In reply to NAME" / "Response to NAME, DATE" line: the
    page's link to the parent, not the reader's words. `opened` is `opening(body)`, when the
    caller has read it already."""
    opened = opening(body) if opened is None else opened
    quoted = opened.quoted
    if quoted is None or quoted["to"] is None:
        return body
    rest = opened.text.partition("\n")[2]
    if not rest.strip():
        return body
    tail = opened.first[quoted.end("to") :].strip(" .:")
    if tail and find_time(tail) is None:  # "Reply to Bob, I think ...": the reader's words
        return body
    return rest.strip()


# The characters a VOCATIVE name stops before: a body whose text before the first of them is
# longer than the longest name, trailing space aside, names no one.
NAME_STOP = re.compile(r"[\n,:—–-]")
MAX_VOCATIVE = 40


def _vocative(text: str) -> re.Match[str] | None:
    """VOCATIVE.match(text), without running it on the many bodies it cannot match."""
    stop = NAME_STOP.search(text)
    before = text if stop is None else text[: stop.start()]
    if len(before) > MAX_VOCATIVE and len(before.rstrip()) > MAX_VOCATIVE:
        return None
    return VOCATIVE.match(text)


def stated_parent(
    body: str, authors: Authors, position: int, opened: Opening | None = None
) -> int | None:
    """The position of the comment this body (at `position`) says it answers, or None.
    "@7" is the seventh comment, counted from 1 as pages number them. `opened` is
    `opening(body)`, when the caller has read it already."""
    opened = opening(body) if opened is None else opened
    text = opened.text
    number = NUMBER.match(text)
    if number is not None:
        shown = int(number["number"]) - 1
        return shown if 0 <= shown < position else None
    at = AT.match(text)
    if at is not None:
        return authors.find(at["name"], loose=True)
    quoted = opened.quoted
    if quoted is not None:
        name = quoted["by"] or quoted["wrote"] or quoted["to"]
        return authors.find(name, loose=False)
    vocative = _vocative(text)
    if vocative is None:
        return None
    found = authors.find(vocative["name"], loose=False)
    if found is not None and _addresses_others(text, authors, found):
        return None  # "Ann: … / Bob: … / Cy: …": an answer to several comments, not one
    return found


def _addresses_others(text: str, authors: Authors, first: int) -> bool:
    """Whether a later paragraph of `text` opens by naming another earlier commenter."""
    for paragraph in text.split("\n\n")[1:]:
        vocative = _vocative(paragraph.lstrip())
        if vocative is not None:
            other = authors.find(vocative["name"], loose=False)
            if other is not None and other != first:
                return True
    return False
