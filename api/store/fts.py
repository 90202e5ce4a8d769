"""Search queries and snippets: pure helpers around SQLite FTS5."""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass

from schemas.search import Highlight

MAX_QUERY_CHARS = 256
MAX_TERMS = 16
MAX_OR = 8
MAX_PREFIXES = 4
MIN_PREFIX_CHARS = 2
FTS_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
PREFIX = re.compile(r"(\w*)\*")
WORD = re.compile(r"\w+", re.UNICODE)


class QueryError(ValueError):
    """The search text cannot be turned into a query."""


def fts_query(q: str, *, raw: bool) -> str:
    """An FTS5 MATCH expression for the user's text.

    By default every word is quoted, so no FTS syntax reaches the engine and all words must
    match; `raw` passes the text through for callers who write FTS5 syntax themselves.
    """
    if raw:
        if not q.strip():
            raise QueryError("is empty")
        _check_cost(q)
        return q
    words = WORD.findall(q)
    if not words:
        raise QueryError("has no words to search for")
    if len(words) > MAX_TERMS:
        raise QueryError(f"has more than {MAX_TERMS} words")
    return " ".join(f'"{w}"' for w in words)


def _check_cost(q: str) -> None:
    """Bound what an FTS5 query may cost: terms, ORs and prefix terms (each prefix expands to
    every indexed word it starts, so `t*` alone can touch most of the index)."""
    words = WORD.findall(q)
    ors = sum(1 for w in words if w == "OR")
    terms = [w for w in words if w not in FTS_OPERATORS]
    if len(terms) > MAX_TERMS:
        raise QueryError(f"has more than {MAX_TERMS} terms")
    if ors > MAX_OR:
        raise QueryError(f"has more than {MAX_OR} ORs")
    prefixes = PREFIX.findall(q)
    if len(prefixes) > MAX_PREFIXES:
        raise QueryError(f"has more than {MAX_PREFIXES} prefix terms")
    if any(len(p) < MIN_PREFIX_CHARS for p in prefixes):
        raise QueryError(f"has a prefix term shorter than {MIN_PREFIX_CHARS} characters")


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A snippet as plain text, as escaped HTML with <mark>, and as match offsets."""

    text: str
    html: str
    highlights: list[Highlight]


Marks = tuple[str, str]


def new_marks() -> Marks:
    """Fresh sentinels for FTS5 to wrap matches in: random, so no text can forge them (the
    store also checks that the texts it excerpts do not hold them)."""
    token = secrets.token_hex(8)
    return f"\ue000{token}\ue001", f"\ue001{token}\ue000"


def excerpt(marked: str, marks: Marks) -> Excerpt:
    """Split FTS5 output carrying the sentinel `marks` into its three forms.

    One split by each mark gives the pieces; the text and the HTML join them, and the HTML is
    escaped piece by piece only when the excerpt holds a character to escape (most do not)."""
    mark_open, mark_close = marks
    # Plain splits, not a pattern: the marks are new for every search, so a pattern would be
    # compiled anew each time.
    chunks = [chunk.split(mark_close) for chunk in marked.split(mark_open)]
    highlights: list[Highlight] = []
    length = 0
    start: int | None = None
    for opened, pieces in enumerate(chunks):
        if opened:
            start = length
        length += len(pieces[0])
        for piece in pieces[1:]:
            if start is not None:
                highlights.append(Highlight(start=start, end=length))
                start = None
            length += len(piece)
    text = "".join(["".join(pieces) for pieces in chunks])
    if "&" in marked or "<" in marked or ">" in marked:
        chunks = [[html.escape(piece, quote=False) for piece in pieces] for pieces in chunks]
    snippet = "<mark>".join(["</mark>".join(pieces) for pieces in chunks])
    return Excerpt(text, snippet, highlights)
