"""Disqus read without JavaScript, and other name-only headers: the author alone on a line
(after an avatar or profile link), a blank line, then the body; no time, or `• 3 years ago`.
Replies are indented. The header follows the previous body with no blank line between, or
hangs over its body (the body indented deeper than the name), which is what sets it apart from
an article's subheadings."""

from __future__ import annotations

import re
from collections.abc import Sequence

from api.ingest.renderings import generic
from api.ingest.renderings.base import Section
from api.ingest.renderings.generic import skip_head
from api.ingest.renderings.shapes import (
    GAP,
    Meta,
    clean_name,
    from_headers,
    indent,
    is_chrome,
    is_heading,
    is_ui,
    plausible_name,
    short,
    with_depths,
)
from api.ingest.times import find_time

NAME = "disqus"
CEILING = 0.2  # the most `detect` answers
URL = re.compile(r"^(?:https?://\S+\s+)+")
MIN_HEADERS = 3
POINTS = re.compile(r"(?<!\s)\s+\d{1,6}\s+(?:pts?|points)\s*$", re.IGNORECASE)
POINTS_LAST = "tTsS\u017f"  # what POINTS may end with (U+017F, long s, is an s to IGNORECASE)


def _name(line: str) -> str | None:
    """The author on a name-only line (a profile link before it is dropped), else None."""
    text = line.strip()
    if text.startswith("http"):  # cheap tests first: the patterns fit few lines
        text = URL.sub("", text)
    if text[-1:] in POINTS_LAST:
        text = POINTS.sub("", text)
    if not text or len(text) > 50 or len(text.split()) > 4 or text[-1] in '.,;:!?"”)':
        return None
    if find_time(text) is not None or is_ui(text) or is_heading(text) or is_chrome(text):
        return None
    name = clean_name(text)
    return name if name == text and plausible_name(name) else None


_last: tuple[Sequence[str], list[Meta]] | None = None


def _metas(lines: Sequence[str]) -> list[Meta]:
    """The page's name-only headers (the last page's answer is kept for `split`)."""
    global _last
    last = _last
    if last is not None and last[0] is lines:
        return last[1]
    metas = _find(lines)
    _last = (lines, metas)
    return metas


def _find(lines: Sequence[str]) -> list[Meta]:
    """Name-only headers. Either they hug the previous body (strong), or the first follows
    the gap that opens the comment section and short names recur after it, or it stands
    alone there with its score ("NAME 5 pts")."""
    metas: list[Meta] = []
    loose: list[Meta] = []
    hanging: list[Meta] = []  # the body below is indented deeper than the name
    strong = 0
    empty = [not line.strip() for line in lines]  # `blank`, without a call per line
    for i in range(skip_head(lines), len(lines) - 2):
        if empty[i] or not empty[i + 1] or empty[i + 2]:
            continue
        name = _name(lines[i])
        if name is None:
            continue
        below = lines[i + 2]
        if indent(below) > indent(lines[i]) and not (short(below, 8) and find_time(below)):
            hanging.append(Meta(i, name))  # (a dated line below would be a body's footer)
        hugs = not empty[i - 1]  # right under the previous body
        after_gap = all(empty[j] for j in range(max(0, i - 2), i))
        if hugs:
            strong += 1
        if hugs or after_gap:
            metas.append(Meta(i, name))
        opens = all(empty[j] for j in range(max(0, i - GAP), i))
        if (loose or opens) and len(name.split()) <= 3:
            loose.append(Meta(i, name))
    if len(hanging) >= MIN_HEADERS and 2 * len(hanging) > len(metas):
        return hanging  # headers hang over their bodies: the lines that do not are text
    if strong >= MIN_HEADERS - 1 and len(metas) >= MIN_HEADERS:
        return metas
    if len(loose) == 1 and POINTS.search(lines[loose[0].line]) is None:
        return []  # a lone name is a comment's only when its score marks it ("5 pts")
    return loose


def detect(lines: Sequence[str]) -> float:
    """Sure enough, unless every name-only line lies above the page's recurring dated
    headers: then they are the article's subheadings and the dated lines open comments."""
    metas = _metas(lines)
    if not metas:
        return 0.0
    dated = generic.find_metas(lines)
    if len(dated) >= 2 and metas[-1].line < dated[0].line:
        return 0.0
    return 0.2 if len(metas) >= MIN_HEADERS else 0.05


def split(lines: Sequence[str]) -> Section | None:
    metas = _metas(lines)
    if not metas:
        return None
    # A date line closing a body is the time shown after it ("NAME / body / DATE").
    return from_headers(lines, with_depths(lines, metas), times_after=True)
