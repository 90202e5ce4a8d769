"""Shared reader for renderings that head each comment with `NAME says:` / `NAME said...`.

The time sits on the same line (`DATE / NAME says:`, `On DATE, NAME said...`), on the line
after the header (WordPress), or alone after the body (Blogger).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from api.ingest.renderings.base import Section
from api.ingest.renderings.shapes import (
    Meta,
    blank,
    clean_name,
    from_headers,
    plausible_name,
    short,
    with_depths,
)
from api.ingest.times import find_time


def said_metas(lines: Sequence[str], verb: re.Pattern[str]) -> list[Meta]:
    """Header lines ending in the verb; a time on the line or alone on the next line."""
    metas: list[Meta] = []
    for i, line in enumerate(lines):
        text = line.strip()
        if not text or len(text) > 160 or verb.search(text) is None or not short(text, 16):
            continue
        span = find_time(text)
        rest = text if span is None else text[: span[0]] + " " + text[span[1] :]
        name = clean_name(re.sub(r"^\W*on\b", "", rest.strip(), flags=re.I))
        if not plausible_name(name):
            continue
        posted = None if span is None else text[span[0] : span[1]].strip()
        last = None
        nxt = i + 1
        if nxt < len(lines) and blank(lines[nxt]):
            nxt += 1
        if posted is None and nxt < len(lines):
            after = lines[nxt].strip()
            nspan = find_time(after)
            if nspan is not None and len(after) - (nspan[1] - nspan[0]) <= 12:
                posted, last = after[nspan[0] : nspan[1]].strip(), nxt
        metas.append(Meta(i, name, posted, last=last))
    return with_depths(lines, metas)


def split_said(lines: Sequence[str], verb: re.Pattern[str]) -> Section | None:
    metas = said_metas(lines, verb)
    if len(metas) < 1:
        return None
    return from_headers(lines, metas, times_after=True)


def score(lines: Sequence[str], verb: re.Pattern[str]) -> float:
    count = 0
    for line in lines:
        if len(line) < 160 and verb.search(line) is not None:
            count += 1
            if count >= 3:
                break
    return (0.0, 0.1, 0.5, 0.8)[count]
