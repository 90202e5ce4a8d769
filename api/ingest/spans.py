"""Quotation marks → quoted spans, and URLs → link spans. Pure functions over one text.

Straight and curly quotes are both read, mixed pairs included (`“always wanted to."`). A
quote left open runs to the end of the text; a closing mark with no opening one closes a quote
that began with the text (a paragraph continuing an earlier one). Single quotes count only at
word boundaries, so apostrophes (`Putin's`, `banksters'`) are never quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.ingest.model import LinkSpan

OPENERS_BEFORE = frozenset(" \t\n([{—–-:;/")
URL = re.compile(r"https?://[^\s<>\"'“”‘’()\[\]{}]+", re.IGNORECASE)
URL_TRAILING = ".,;:!?…"
DOUBLE_MARKS = '"“”'
SINGLE_MARK = re.compile("['‘’]")


# Not frozen, as a speed-up: a frozen dataclass's __init__ sets each field through
# object.__setattr__ (ten times slower), and parsing builds thousands of these a page.
# Nothing changes one once built; unsafe_hash keeps them hashable, as frozen ones are.
@dataclass(slots=True, unsafe_hash=True)
class Span:
    """A quoted stretch: `start`/`end` bound the text inside the marks."""

    start: int
    end: int
    nested: bool = False
    closed: bool = True


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before in OPENERS_BEFORE and not after.isspace()


# A single mark that opens (at the start of the text or after a space, a bracket, a dash or a
# double mark; before a letter or digit) and one that closes (after a character that is not a
# space; before none that is a letter or digit): `[^\W_]` is `str.isalnum`. Both open with the
# mark, so a search skips other characters fast.
SINGLE_OPENS = re.compile(r"['‘](?<![^ \t\n(\[{—–\-:;/\"“]['‘])(?=[^\W_])")
SINGLE_CLOSES = re.compile(r"['’](?<=\S['’])(?![^\W_])")


def _singles(text: str, lo: int, hi: int, nested: bool) -> list[Span]:
    """Single-quoted spans of text[lo:hi]: an opening mark, then the next closing one. The
    marks' neighbours are read beyond lo and hi; each search stops one character past hi."""
    spans: list[Span] = []
    at = lo
    while True:
        opening = SINGLE_OPENS.search(text, at, hi + 1)
        if opening is None or opening.start() >= hi:
            return spans
        start = opening.end()
        closing = SINGLE_CLOSES.search(text, start, hi + 1)
        if closing is None or closing.start() >= hi:
            return spans
        spans.append(Span(start, closing.start(), nested=nested))
        at = closing.end()


def _double_marks(text: str) -> list[int]:
    """The offset of every double quote mark of `text`, in order: each mark found by
    `str.find` (several times faster than a pattern's scan for any of them)."""
    found = []
    for mark in DOUBLE_MARKS:
        at = text.find(mark)
        while at >= 0:
            found.append(at)
            at = text.find(mark, at + 1)
    found.sort()
    return found


def _no_singles(text: str, lo: int, hi: int, nested: bool) -> list[Span]:
    """`_singles` of a text that holds no mark opening a single quote."""
    return []


def quote_spans(text: str) -> list[Span]:
    """Every quoted span of `text`, outer quotes first, in order of their start."""
    if '"' not in text and "“" not in text and "”" not in text:  # most texts: singles alone
        if "'" not in text and "‘" not in text:  # no single mark opens a quote either
            return []
        return [s for s in _singles(text, 0, len(text), False) if text[s.start : s.end].strip()]
    # With no single mark that can open a quote, no stretch holds a single-quoted span.
    singles = _singles if "'" in text or "‘" in text else _no_singles
    spans: list[Span] = []
    start: int | None = None
    outside_from = 0
    for i in _double_marks(text):
        ch = text[i]
        if start is None:
            if ch == "“" or (ch == '"' and _opens(text, i)):
                spans += singles(text, outside_from, i, nested=False)
                start = i + 1
            elif ch in '”"' and not spans and i > 0 and not singles(text, 0, i, False):
                spans.append(Span(0, i, closed=False))  # continues a quote opened earlier
                outside_from = i + 1
        elif ch in '”"' or (ch == "“" and i > start):
            spans.append(Span(start, i))
            spans += singles(text, start, i, nested=True)
            start = None
            outside_from = i + 1
    if start is not None and start < len(text):
        spans.append(Span(start, len(text), closed=False))
        spans += singles(text, start, len(text), nested=True)
    else:
        spans += singles(text, outside_from, len(text), nested=False)
    return sorted((s for s in spans if text[s.start : s.end].strip()), key=lambda s: s.start)


def link_spans(text: str) -> list[LinkSpan]:
    """Every http(s) URL in `text`, trailing punctuation left out."""
    out: list[LinkSpan] = []
    if "://" not in text:  # every URL holds it: most texts hold none
        return out
    for m in URL.finditer(text):
        url = m.group(0).rstrip(URL_TRAILING)
        if len(url) > len("https://"):
            out.append(LinkSpan(url, m.start(), m.start() + len(url)))
    return out
