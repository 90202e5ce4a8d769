"""Slashdot: a subject line, then `by NAME (UID) [on DATE] (#ID)`, replies nested by
indentation, `Re:` subjects. Read without its bylines, each comment opens with its subject
and score alone ("Subject (1, Insightful)", "Re:"): the author is then not shown ("")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from api.ingest.renderings.base import Section
from api.ingest.renderings.scan import lines_holding, lines_starting
from api.ingest.renderings.shapes import (
    Meta,
    blank,
    from_headers,
    short,
    with_depths,
)

NAME = "slashdot"
CEILING = 0.9  # the most `detect` answers
HEADER = re.compile(
    r"^\s*by\s+(?P<name>[^()<>]{1,60}?)"
    r"(?:\s+\((?P<uid>\s?\d[\d ]{0,10})\))?(?:\s+\*)?"  # "(826 50) *": digits the page spaced
    r"(?:\s+<(?:[^<>]|<[^<>]{0,40}>){0,80}>)?"  # an address, "<<name> <at> <site.com>>" too
    r"(?:\s+on\s+(?P<when>[^()]{4,60}?))?(?:\s+\(#\s*[\d ]{1,12}\))?"
    r"(?:\s+(?:Homepage|Journal))*\s*$"
)


POSTED = re.compile(r"^\s*Posted\s+by\s+\S.{0,80}?\s+on\s+\S")
COUNT_AFTER = re.compile(r"(?<!\s)\s+\d{1,6}$")


def headline(title: str, after: str) -> str:
    """The story's title without the comment count Slashdot shows after it, when the
    "Posted by NAME on DATE" line follows ("Shrinking Its Connector With iPhone 5 427")."""
    count = COUNT_AFTER.search(title)
    if count is None or POSTED.match(after) is None or count.start() == 0:
        return title
    return title[: count.start()]


def _metas(lines: Sequence[str]) -> list[Meta]:
    metas: list[Meta] = []
    for i in lines_holding(lines, ("by ",)):
        line = lines[i]
        if not line.lstrip().startswith("by ") or len(line) > 200:
            continue
        m = HEADER.match(line)
        if m is None or not short(m["name"], 5):
            continue
        if m["uid"] is None and m["when"] is None and len(m["name"].split()) > 2:
            continue
        when = None if m["when"] is None else m["when"].strip()
        subject = None
        if i > 0 and not blank(lines[i - 1]) and short(lines[i - 1], 16):
            subject = lines[i - 1].strip()
        metas.append(Meta(i, m["name"].strip(), when, subject=subject))
    return metas


SCORED = re.compile(
    r"^\s*(?P<subject>[^\s()][^()]{0,100}?)\s*\((?:-1|\d)(?:,\s*[A-Z][a-z]{2,15})?\)\s*$"
)
REPLY_SUBJECT = re.compile(r"^\s*Re:(?:\s[^()]{0,100})?\s*$")
HIDDEN = re.compile(r"^\s*\d{1,5} (?:more )?repl(?:y|ies)\b[^.]{0,60}\.?\s*$", re.IGNORECASE)
COUNTED = re.compile(
    r"\b(?:comments?|repl(?:y|ies)|responses?)\s*$", re.IGNORECASE
)  # "Total Comments (4)"
MIN_SCORED = 3


def _subjects(lines: Sequence[str]) -> list[Meta]:
    """Subject-and-score lines and `Re:` lines: the headers of a Slashdot page read
    without its bylines."""
    metas: list[Meta] = []
    scored = 0
    for i in lines_holding(lines, ("(", "Re:")):
        line = lines[i]
        if len(line) > 160:
            continue
        m = SCORED.match(line)
        if m is not None and COUNTED.search(m["subject"]) is None:
            scored += 1
            metas.append(Meta(i, "", None, subject=m["subject"].strip()))
        elif REPLY_SUBJECT.match(line) is not None:
            metas.append(Meta(i, "", None, subject=line.strip()))
    return with_depths(lines, metas) if scored >= MIN_SCORED else []


def detect(lines: Sequence[str]) -> float:
    uids = sum(
        1
        for i in lines_starting(lines, "by")  # HEADER opens with it
        if "(" in lines[i] and HEADER.match(lines[i]) is not None
    )
    if uids >= 3:
        return 0.9
    return 0.5 if _subjects(lines) else 0.0


def split(lines: Sequence[str]) -> Section | None:
    metas = _metas(lines)
    if not metas:
        return _split_subjects(lines)
    metas = with_depths(lines, metas)
    section = from_headers(lines, metas)
    if section is None:
        return None
    # A subject line sits right above its header: it is not the previous comment's text.
    comments = list(section.comments)
    for index, meta in enumerate(metas):
        if meta.subject is not None and index > 0:
            body = comments[index - 1].body
            rest = body[: -len(meta.subject)].rstrip()
            if body.endswith(meta.subject) and rest:  # a body of one line is not a subject
                comments[index - 1] = replace(comments[index - 1], body=rest)
    return replace(section, comments=comments)


def _split_subjects(lines: Sequence[str]) -> Section | None:
    """Comments headed by their subject alone; "N replies beneath …" lines are not text."""
    metas = _subjects(lines)
    if not metas:
        return None
    kept = [("" if HIDDEN.match(line) else line) for line in lines]
    return from_headers(kept, metas)
