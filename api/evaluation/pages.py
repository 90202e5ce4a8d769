"""Score the parser on hand-annotated sample pages (`fixtures/dragnet/*.expected.json`) and on
raw pages that carry the dataset's annotators' marker line (stripped before parsing).

Comments are matched by the start of their body. Per page: title exact, byline exact,
boundary (the comment section starts within BOUNDARY_SLACK lines of the annotated line) and
count within 20%; per comment: found, author exact, time text, body start, reply link,
left inside the article; per predicted comment: spurious (matching no annotated one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from api.ingest.errors import PageError
from api.ingest.model import CommentKind, ParsedPage
from api.ingest.page import normalise, parse_page
from api.ingest.renderings import choose
from api.intake.loader import read_text

MARKER = re.compile(r"^[!@#$%^&*() \t]{4,}COMMENTS\s*$")
BOUNDARY_SLACK = 3
MATCH_CHARS = 30
SPACE = re.compile(r"\s+")


class ExpectedPageComment(msgspec.Struct, forbid_unknown_fields=True):
    author: str
    posted: str | None
    body: str
    parent: int | None = None
    kind: CommentKind = "comment"


class PageAnnotation(msgspec.Struct, forbid_unknown_fields=True):
    """A hand annotation of one sample page (fixtures/dragnet/README.md)."""

    page: str
    rendering: str
    title: str
    byline: str | None
    published: str | None
    boundary: int
    comments: list[ExpectedPageComment]


@dataclass(slots=True)
class Tally:
    """Counts over pages and comments; ratios are computed from the sums."""

    pages: int = 0
    titles: int = 0
    bylines: int = 0
    boundaries: int = 0
    counts: int = 0
    expected: int = 0
    found: int = 0
    authors: int = 0
    times: int = 0
    starts: int = 0
    replies: int = 0
    replies_right: int = 0
    left_in_article: int = 0
    predicted: int = 0
    spurious: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def rates(self) -> dict[str, tuple[int, int]]:
        """Metric name -> (right, out of)."""
        return {
            "title": (self.titles, self.pages),
            "byline": (self.bylines, self.pages),
            "boundary": (self.boundaries, self.pages),
            "count±20%": (self.counts, self.pages),
            "found": (self.found, self.expected),
            "author": (self.authors, self.found),
            "time": (self.times, self.found),
            "body start": (self.starts, self.found),
            "replies": (self.replies_right, self.replies),
            "in article": (self.left_in_article, self.expected),
            "spurious": (self.spurious, self.predicted),
        }


def _norm(text: str) -> str:
    return SPACE.sub(" ", text).strip().lower()


def strip_marker(text: str) -> tuple[str, int | None]:
    """The page without its marker line, and the marker's 0-based line number (or None)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines):
        if MARKER.match(line):
            return "\n".join(lines[:number] + lines[number + 1 :]), number
    return text, None


def section_line(text: str) -> int | None:
    """0-based line of the raw text where the parser's comment section starts, or None."""
    raw = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lead = 0
    while lead < len(raw) and not raw[lead].strip():
        lead += 1
    choice = choose(normalise(text).split("\n"))
    return None if choice is None else choice.section.start + lead


def _first_text(lines: Sequence[str], at: int) -> int:
    while at < len(lines) and not lines[at].strip():
        at += 1
    return at


def boundary_right(text: str, truth: int) -> bool:
    """Whether the section starts within BOUNDARY_SLACK text lines of `truth` (0-based)."""
    got = section_line(text)
    if got is None:
        return False
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    a, b = _first_text(lines, got), _first_text(lines, truth)
    low, high = min(a, b), max(a, b)
    between = sum(1 for i in range(low, min(high, len(lines))) if lines[i].strip())
    return between <= BOUNDARY_SLACK


def _match(expected: Sequence[ExpectedPageComment], page: ParsedPage) -> list[int | None]:
    """For each annotated comment, the parsed comment whose body starts alike (in order).

    A body given whole and shorter than MATCH_CHARS (a one-word subject line, "+1") is matched
    by the parsed body it starts, before any body that merely holds it; among several, the
    first after the last comment matched comes first, as the page's order would have it."""
    starts: dict[str, list[int]] = {}
    for i, c in enumerate(page.comments):
        starts.setdefault(_norm(c.body)[:MATCH_CHARS], []).append(i)
    heads = [_norm(c.body[:600]) for c in page.comments]
    used: set[int] = set()
    out: list[int | None] = []
    last = -1
    for want in expected:
        key = _norm(want.body)[:MATCH_CHARS]
        hit = next((i for i in starts.get(key, ()) if i not in used), None)
        if hit is None and key:
            order = [*range(last + 1, len(heads)), *range(last + 1)]
            hit = next((i for i in order if i not in used and heads[i].startswith(key)), None)
            if hit is None:  # the body may begin with a subject or a leftover line
                hit = next((i for i in order if i not in used and key in heads[i]), None)
        if hit is not None:
            used.add(hit)
            last = hit
        out.append(hit)
    return out


def is_page_annotation(path: Path) -> bool:
    """Whether a JSON file annotates a sample page (it has a `boundary`)."""
    try:
        data = msgspec.json.decode(path.read_bytes())
    except msgspec.DecodeError:
        return False
    return isinstance(data, dict) and "boundary" in data


def parse_or_empty(text: str) -> ParsedPage:
    """The parsed page; a page the parser refuses scores as one with nothing found."""
    try:
        return parse_page(text)
    except PageError:
        return ParsedPage(title="", sections=[], comments=[])


def score_page(path: Path) -> tuple[str, Tally]:
    """Parse the annotated page and tally how it compares."""
    want = msgspec.json.decode(path.read_bytes(), type=PageAnnotation)
    text = read_text(path.parent / want.page)
    page = parse_or_empty(text)
    t = Tally(pages=1, expected=len(want.comments), predicted=len(page.comments))
    t.titles = int(page.title.strip() == want.title.strip())
    t.bylines = int((page.byline or None) == (want.byline or None))
    t.boundaries = int(boundary_right(text, want.boundary - 1)) if want.comments else 1
    t.counts = int(abs(len(page.comments) - len(want.comments)) <= 0.2 * len(want.comments))
    matched = _match(want.comments, page)
    article = _norm(" ".join(b.text for s in page.sections for b in s))
    for index, (w, got) in enumerate(zip(want.comments, matched, strict=True)):
        key = _norm(w.body)[:MATCH_CHARS]
        t.left_in_article += int(bool(key) and key in article)
        if w.parent is not None:
            t.replies += 1
        if got is None:
            continue
        c = page.comments[got]
        t.found += 1
        t.authors += int(c.author.strip() == w.author.strip())
        t.times += int(_norm(c.posted_text or "") == _norm(w.posted or ""))
        t.starts += int(_norm(c.body).startswith(_norm(w.body)))
        if w.parent is not None:
            parent_at = matched[w.parent] if 0 <= w.parent < index else None
            t.replies_right += int(parent_at is not None and page.threads[got].parent == parent_at)
    t.spurious = len(page.comments) - sum(1 for m in matched if m is not None)
    return want.rendering, t


@dataclass(slots=True)
class Table:
    """Tallies per rendering label, and overall."""

    rows: dict[str, Tally] = field(default_factory=dict)

    @property
    def overall(self) -> Tally:
        total = Tally()
        for tally in self.rows.values():
            total.add(tally)
        return total

    def report(self) -> str:
        metrics = list(Tally().rates())
        head = f"{'rendering':<13}{'pages':>6}" + "".join(f"{m:>12}" for m in metrics)
        lines = [head]
        for label in [*sorted(self.rows), "overall"]:
            tally = self.overall if label == "overall" else self.rows[label]
            cells = []
            for right, total in tally.rates().values():
                cells.append(f"{right / total:>12.1%}" if total else f"{'-':>12}")
            lines.append(f"{label:<13}{tally.pages:>6}" + "".join(cells))
        return "\n".join(lines)


def score_pages(paths: Iterable[Path]) -> Table:
    """Tally every annotation, grouped by its rendering label."""
    table = Table()
    for path in paths:
        label, tally = score_page(path)
        table.rows.setdefault(label, Tally()).add(tally)
    return table


@dataclass(frozen=True, slots=True)
class Coverage:
    """Raw marked pages: how often the boundary is right and comments are found at all."""

    pages: int
    boundaries: int
    with_comments: int
    comments: int

    def report(self) -> str:
        return (
            f"{self.pages} marked pages: boundary within {BOUNDARY_SLACK} lines on "
            f"{self.boundaries} ({self.boundaries / max(self.pages, 1):.1%}), "
            f"≥1 comment on {self.with_comments} ({self.with_comments / max(self.pages, 1):.1%}), "
            f"{self.comments} comments"
        )


def coverage(paths: Iterable[Path]) -> Coverage:
    """Strip each page's marker, parse it, and compare the boundary with the marker."""
    pages = right = with_comments = comments = 0
    for path in paths:
        text, marker = strip_marker(read_text(path))
        if marker is None:
            continue
        pages += 1
        right += int(boundary_right(text, marker))
        found = len(parse_or_empty(text).comments)
        with_comments += int(found > 0)
        comments += found
    return Coverage(pages, right, with_comments, comments)
