"""Headers that show the author's profile: the name, then lines about the person (a tagline, a
place, a badge), then a counter ("152 Fans", "Total Comments (1465)"), then the time. The
counter, not the name, sits next to the time; the name is the block's first line that is not
a label every profile shows alike ("photo", a badge). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from api.ingest.renderings.shapes import (
    Meta,
    blank,
    by_author,
    clean_name,
    plausible_name,
    short,
)
from api.ingest.times import find_time

# "152 Fans", "1,204 followers"; "Total Comments (1465)", "Posts: 34" (the label first); or
# "Member since 2009"
_COUNT_FIRST = r"^[\d,.]{1,9}\s+[^\W\d_]{2,20}(?:\s[^\W\d_]{2,20})?$"
_LABEL_FIRST = (
    r"^[^\W\d_]{2,20}(?:\s[^\W\d_]{2,20})?\s{0,2}"
    r"(?:\(\s{0,2}[\d,]{1,9}\s{0,2}\)|:\s{0,2}[\d,]{1,9})$"
)
# "Member since 2009", "Since 2011": how long the person has been a member
_SINCE = r"^(?:[^\W\d_]{2,20}\s)?(?i:since)\s(?:19|20)\d\d$"
COUNTER = re.compile(f"{_COUNT_FIRST}|{_LABEL_FIRST}|{_SINCE}")
# The label first alone: "Posts: 34" is no name, while "6 Mandi" (a numbered comment's
# header) reads as "152 Fans" does.
LABELLED_COUNT = re.compile(_LABEL_FIRST)
BLOCK = 5  # profile lines above the counter, at most
# A field of the profile that may show a date: "Joined: Mar 2009", "Member since: 2009"
FIELD = re.compile(r"^[^\W\d_]{2,20}(?:\s[^\W\d_]{2,20})?:\s")


def is_counter(line: str) -> bool:
    return COUNTER.match(line.strip()) is not None


def is_labelled_count(line: str) -> bool:
    return LABELLED_COUNT.match(line.strip()) is not None


def block_above(lines: Sequence[str], counter: int) -> int:
    """The first line of the profile block that ends with the counter at `counter`: the
    short lines right above it, up to a blank line or a time (but not a field's time, as in
    "Joined: Mar 2009"); or, when none hugs it, the short lines above it each set apart by
    one blank line ("NAME / - / place / - / counter"), up to a wider gap, which must then
    close the block from above."""
    top = counter
    while top > 0 and counter - top < BLOCK:
        line = lines[top - 1]
        if blank(line) or not short(line.strip()):
            break
        if find_time(line) is not None and FIELD.match(line.strip()) is None:
            break  # a time closes the block, unless a field of the profile shows it
        top -= 1
    if top < counter:
        return top
    spaced = counter
    while spaced - 2 >= 0 and counter - spaced < 2 * BLOCK and blank(lines[spaced - 1]):
        line = lines[spaced - 2]
        if blank(line):  # a gap: the block's top
            return spaced
        if not short(line.strip(), 6) or find_time(line) is not None:
            break
        spaced -= 2
    return spaced if spaced == 0 else counter


def _counter_in(lines: Sequence[str], meta: Meta) -> int | None:
    last = meta.last if meta.last is not None else meta.line
    return next((i for i in range(last, meta.line - 1, -1) if is_counter(lines[i])), None)


def name_profiles(lines: Sequence[str], metas: list[Meta]) -> list[Meta]:
    """Each profile header's author: the first line of its block that is a plausible name and
    not a label (a line shown in the blocks of different people, told apart by counters)."""
    blocks: list[tuple[Meta, list[str], str] | None] = []
    seen_with: dict[str, set[str]] = {}
    for meta in metas:
        counter = _counter_in(lines, meta)
        if counter is None or counter == meta.line:
            blocks.append(None)
            continue
        texts = [lines[i].strip() for i in range(meta.line, counter)]
        stat = lines[counter].strip()
        for text in texts:
            seen_with.setdefault(text, set()).add(stat)
        blocks.append((meta, texts, stat))
    out: list[Meta] = []
    for meta, block in zip(metas, blocks, strict=True):
        if block is None:
            out.append(meta)
            continue
        names = (clean_name(t) for t in block[1] if len(seen_with[t]) < 2)
        name = next((n for n in names if plausible_name(n)), None)
        out.append(by_author(meta, name) if name else meta)
    return out
