"""Which lines of a page hold a string, found by searching the page's text once.

Most lines hold none of the strings a rendering keys on ("Permalink", "osted by:", "said"),
and `str.find` over the whole text skips them in C many times faster than a pattern or a
test run on each line. The joined text (and its lowercase) is kept for the last page, since
every rendering asks about the same lines. A found string's line is the number of line breaks
before it, counted in C from the previous find: no table of where each line starts is built.
Pure.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, count

DIGIT = re.compile(r"\d")
ASCII = bytes(range(128))
NOT_DIGIT_OR_BREAK = bytes(b for b in range(256) if b not in b"0123456789\n")


@dataclass(slots=True)
class _Page:
    lines: Sequence[str]
    text: str
    counted: bool  # whether the text's line breaks are those between lines (none holds one)
    lowered: str | None = None
    starts: list[int] | None = None  # offset of each line in `text`, when not `counted`


def _starts(lines: Iterable[str]) -> list[int]:
    # Each line's length and its line break, summed without a Python call per line.
    return [0, *accumulate(map((1).__add__, map(len, lines)))]


_last: _Page | None = None


def _page(lines: Sequence[str]) -> _Page:
    global _last
    last = _last
    if last is not None and last.lines is lines:
        return last
    text = "\n".join(lines)
    page = _Page(lines, text, text.count("\n") == len(lines) - 1)
    _last = page
    return page


def _counting(text: str, needles: Iterable[str]) -> set[int]:
    """The lines of `text` (split at its line breaks) holding any of `needles`."""
    found: set[int] = set()
    for needle in needles:
        line, counted = 0, 0  # the line holding offset `counted`
        at = text.find(needle)
        while at != -1:
            line += text.count("\n", counted, at)
            found.add(line)
            end = text.find("\n", at + len(needle))
            if end == -1:
                break
            line, counted = line + 1, end + 1
            at = text.find(needle, counted)
    return found


def _holding(text: str, starts: list[int], needles: Iterable[str]) -> set[int]:
    found: set[int] = set()
    for needle in needles:
        at = text.find(needle)
        while at != -1:
            line = bisect_right(starts, at) - 1
            found.add(line)
            at = text.find(needle, starts[line + 1])
    return found


def _slow_holding(page: _Page, needles: Iterable[str]) -> set[int]:
    """`_counting` for a page whose lines hold line breaks themselves (never a page's)."""
    if page.starts is None:
        page.starts = _starts(page.lines)
    return _holding(page.text, page.starts, needles)


def lines_holding(
    lines: Sequence[str], needles: Iterable[str], *, lower: bool = False
) -> list[int]:
    """The lines that hold any of `needles` (none holds a line break), in order; with
    `lower`, the lines whose lowercase holds one."""
    page = _page(lines)
    if not page.counted:
        if not lower:
            return sorted(_slow_holding(page, needles))
        return [i for i, line in enumerate(lines) if any(n in line.lower() for n in needles)]
    if not lower:
        return sorted(_counting(page.text, needles))
    if page.lowered is None:
        # Lowercasing never adds or drops a line break (no other character lowers to one).
        page.lowered = page.text.lower()
    return sorted(_counting(page.lowered, needles))


def digit_lines(lines: Sequence[str]) -> list[int]:
    """The lines holding a digit (`\\d`: any script's). ASCII digits are searched for; other
    scripts' are looked for line by line only when the page's non-ASCII text holds one."""
    page = _page(lines)
    # The page's UTF-8 with every byte but ASCII digits and line breaks deleted: what is left
    # of a line is its ASCII digits (no other character's encoding holds a byte below 128).
    encoded = page.text.encode("utf-8", "surrogatepass")
    kept = encoded.translate(None, NOT_DIGIT_OR_BREAK)
    by_line = kept.split(b"\n")
    if len(by_line) == len(lines):
        found = set(compress(count(), by_line))
    else:  # a line holding a line break itself (never one of a page's lines)
        found = _slow_holding(page, "0123456789")
    if not page.text.isascii():
        others = encoded.translate(None, ASCII)
        if DIGIT.search(others.decode("utf-8", "surrogatepass")) is not None:
            found.update(
                i for i, line in enumerate(lines) if not line.isascii() and DIGIT.search(line)
            )
    return sorted(found)
