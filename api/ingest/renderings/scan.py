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
from functools import cache
from itertools import accumulate, compress, count
from typing import AnyStr

DIGIT = re.compile(r"\d")
ASCII = bytes(range(128))
NOT_DIGIT_OR_BREAK = bytes(b for b in range(256) if b not in b"0123456789\n")


# The only characters beyond ASCII that lowercase to ASCII letters ("İ" to "i" and a dot
# above, the Kelvin sign to "k"): on a page without them, an ASCII string's place in the
# lowercased text is its place in the UTF-8 with only the ASCII letters lowercased (found in
# bytes, several times faster than lowercasing the text).
LOWER_TO_ASCII = ("\u0130", "\u212a")


@dataclass(slots=True)
class _Page:
    lines: Sequence[str]
    text: str
    counted: bool  # whether the text's line breaks are those between lines (none holds one)
    lowered: str | bytes | None = None  # the text lowercased, or its UTF-8 so (see above)
    starts: list[int] | None = None  # offset of each line in `text`, when not `counted`
    encoded: bytes | None = None  # the text in UTF-8

    def utf8(self) -> bytes:
        if self.encoded is None:
            self.encoded = self.text.encode("utf-8", "surrogatepass")
        return self.encoded


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


def _counting(text: AnyStr, needles: Iterable[AnyStr], newline: AnyStr) -> set[int]:
    """The lines of `text` (split at its `newline`s) holding any of `needles`."""
    found: set[int] = set()
    for needle in needles:
        line, counted = 0, 0  # the line holding offset `counted`
        at = text.find(needle)
        while at != -1:
            line += text.count(newline, counted, at)
            found.add(line)
            end = text.find(newline, at + len(needle))
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
        return sorted(_counting(page.text, needles, "\n"))
    needles = list(needles)
    if page.lowered is None:
        # Lowercasing never adds or drops a line break (no other character lowers to one).
        text = page.text
        if any(c in text for c in LOWER_TO_ASCII):
            page.lowered = text.lower()
        else:
            page.lowered = page.utf8().lower()  # bytes.lower lowercases ASCII letters alone
    lowered = page.lowered
    if isinstance(lowered, bytes) and all(n.isascii() for n in needles):
        return sorted(_counting(lowered, [n.encode() for n in needles], b"\n"))
    if isinstance(lowered, bytes):  # a needle beyond ASCII: the text lowercased in full
        lowered = page.lowered = page.text.lower()
    return sorted(_counting(lowered, needles, "\n"))


def lines_starting(lines: Sequence[str], word: str) -> list[int]:
    """The lines that open with `word` after any whitespace (`\\s`, as patterns read it), in
    order. One pattern anchored at each line's start runs over the page's text in C; a line
    holding `word` elsewhere costs nothing."""
    page = _page(lines)
    if not page.counted:
        return [i for i, line in enumerate(lines) if line.lstrip().startswith(word)]
    text = page.text
    found = [0] if lines and lines[0].lstrip().startswith(word) else []
    line, counted = 0, 0  # the line before the line break at offset `counted`
    for m in _opening(word).finditer(text):
        line += text.count("\n", counted, m.start() + 1)
        counted = m.start() + 1
        found.append(line)
    return found


@cache
def _opening(word: str) -> re.Pattern[str]:
    # str.lstrip and the pattern's \s agree on what whitespace is; a line break ends a line.
    # Each match opens at a line break (a literal the pattern engine skips to).
    return re.compile(rf"\n[^\S\n]*{re.escape(word)}")


def digit_lines(lines: Sequence[str]) -> list[int]:
    """The lines holding a digit (`\\d`: any script's). ASCII digits are searched for; other
    scripts' are looked for line by line only when the page's non-ASCII text holds one."""
    page = _page(lines)
    # The page's UTF-8 with every byte but ASCII digits and line breaks deleted: what is left
    # of a line is its ASCII digits (no other character's encoding holds a byte below 128).
    encoded = page.utf8()
    kept = encoded.translate(None, NOT_DIGIT_OR_BREAK)
    by_line = kept.split(b"\n")
    if len(by_line) == len(lines):
        found = list(compress(count(), by_line))  # in order
    else:  # a line holding a line break itself (never one of a page's lines)
        found = sorted(_slow_holding(page, "0123456789"))
    if not page.text.isascii():
        others = encoded.translate(None, ASCII)
        if DIGIT.search(others.decode("utf-8", "surrogatepass")) is not None:
            found = sorted(
                {
                    *found,
                    *(
                        i
                        for i, line in enumerate(lines)
                        if not line.isascii() and DIGIT.search(line)
                    ),
                }
            )
    return found
