"""Slashdot: a subject line, then `by NAME (UID) [on DATE] (#ID)`, replies nested by
indentation, `Re:` subjects."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from api.ingest.renderings.base import Section
from api.ingest.renderings.shapes import Meta, blank, from_headers, short, with_depths

NAME = "slashdot"
HEADER = re.compile(
    r"^\s*by\s+(?P<name>[^()<>]{1,60}?)(?:\s+\((?P<uid>\d{1,9})\))?(?:\s+<[^<>]{0,80}>)?"
    r"(?:\s+on\s+(?P<when>[^()]{4,60}?))?(?:\s+\(#\s*[\d ]{1,12}\))?"
    r"(?:\s+(?:Homepage|Journal))*\s*$"
)


def _metas(lines: Sequence[str]) -> list[Meta]:
    metas: list[Meta] = []
    for i, line in enumerate(lines):
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


def detect(lines: Sequence[str]) -> float:
    uids = sum(1 for line in lines if "(" in line and HEADER.match(line) is not None)
    return 0.9 if uids >= 3 else 0.0


def split(lines: Sequence[str]) -> Section | None:
    metas = _metas(lines)
    if not metas:
        return None
    metas = with_depths(lines, metas)
    section = from_headers(lines, metas)
    if section is None:
        return None
    # A subject line sits right above its header: it is not the previous comment's text.
    comments = list(section.comments)
    for index, meta in enumerate(metas):
        if meta.subject is not None and index > 0:
            body = comments[index - 1].body
            if body.endswith(meta.subject):
                comments[index - 1] = replace(
                    comments[index - 1], body=body[: -len(meta.subject)].rstrip()
                )
    return replace(section, comments=comments)
