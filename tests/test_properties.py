"""Property-based tests: the parser never raises on any input and never loses a comment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.ingest.errors import PageError
from api.ingest.headers import match_header
from api.ingest.model import ParsedPage
from api.ingest.page import normalise, parse_page
from tests.conftest import SEED

NAMES = ["MEFOBILLS", "Art Van Delay", "mary mary", "the French bitch", "Endgame Napoleon", "x9"]
WORDS = st.sampled_from(
    ["Putin", "said", "the", '"quoted', 'words"', "“curly”", "it's", "http://a.b/c", "-", "*"]
)
LINE = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
START = datetime(2017, 6, 18, 18, 0)
PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Spec:
    author: str
    verified: bool
    parent: str | None
    parent_verified: bool
    minutes: int
    body: list[str]


SPECS = st.builds(
    Spec,
    author=st.sampled_from(NAMES),
    verified=st.booleans(),
    parent=st.none() | st.sampled_from([*NAMES, "Nobody Here"]),
    parent_verified=st.booleans(),
    minutes=st.integers(0, 3000),
    body=st.lists(LINE, min_size=1, max_size=3),
)


def render(title: str, paragraphs: list[str], specs: list[Spec]) -> str:
    out = [title, ""]
    for p in paragraphs:
        out += [p, ""]
    for s in specs:
        when = START + timedelta(minutes=s.minutes)
        names = s.author + ("" if s.verified else " (not verified)")
        if s.parent:
            names += f" {s.parent}" + ("" if s.parent_verified else " (not verified)")
        out += [f"{names} {when:%a, %m/%d/%Y - %H:%M} Permalink", ""]
        for line in s.body:
            out += [line, ""]
        if s.parent:
            flag = "" if s.parent_verified else " (not verified)"
            out += [f"In reply to by {s.parent}{flag}", ""]
    return "\n".join(out)


def check_tree(page: ParsedPage) -> None:
    n = len(page.comments)
    assert len(page.threads) == n
    for i, link in enumerate(page.threads):
        comment = page.comments[i]
        if link.parent is None:
            assert link.resolution in {"none", "missing"}
            assert (link.resolution == "none") == (comment.parent_author is None)
            assert link.depth == (0 if link.resolution == "none" else 1)
        else:
            assert link.resolution in {"exact", "inferred"}
            parent = page.comments[link.parent]
            assert link.parent != i
            assert parent.author == comment.parent_author
            if parent.posted_at is not None and comment.posted_at is not None:
                assert parent.posted_at <= comment.posted_at
            assert link.depth == page.threads[link.parent].depth + 1
            assert link.root == page.threads[link.parent].root
    assert sum(t.reply_count for t in page.threads) == sum(
        t.parent is not None for t in page.threads
    )


@PROFILE
@given(st.text(max_size=2000))
def test_arbitrary_text_never_raises(text: str) -> None:
    try:
        page = parse_page(text)
    except PageError:
        return
    check_tree(page)


@PROFILE
@given(
    title=st.sampled_from(["A Title", "Another: Title?", "“Quoted” title"]),
    paragraphs=st.lists(LINE, max_size=4),
    specs=st.lists(SPECS, max_size=12),
)
def test_every_comment_is_parsed_exactly_once(
    title: str, paragraphs: list[str], specs: list[Spec]
) -> None:
    page = parse_page(render(title, paragraphs, specs))
    assert page.title == title
    assert len(page.comments) == len(specs)
    for spec, got in zip(specs, page.comments, strict=True):
        assert (got.author, got.author_verified) == (spec.author, spec.verified)
        assert got.parent_author == spec.parent
        if spec.parent:
            assert got.parent_author_verified == spec.parent_verified
        assert got.body == "\n\n".join(spec.body)
        assert got.posted_at is not None
        assert got.posted_at.replace(tzinfo=None) == START + timedelta(minutes=spec.minutes)
    check_tree(page)


SEED_LINES = normalise(SEED.read_text(encoding="utf-8")).split("\n")


@st.composite
def mutated_seed(draw: st.DrawFn) -> tuple[str, frozenset[str]]:
    """The seed page with lines dropped, doubled, swapped, inserted or cut off: its text, and
    the lines inserted."""
    lines = list(SEED_LINES)
    inserted: set[str] = set()
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["drop", "dup", "swap", "garbage", "truncate"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "garbage":
            line = draw(st.text(max_size=80)).replace("\n", " ")
            lines.insert(i, line)
            inserted.add(line)
        else:
            lines = lines[: max(i, 1)]
        if not lines:
            lines = [""]
    return "\n".join(lines), frozenset(inserted)


@PROFILE
@given(mutated_seed())
def test_mutated_seed_keeps_one_comment_per_header(mutated: tuple[str, frozenset[str]]) -> None:
    """Each of the seed's headers left is one comment, and nothing else of the seed is one. A
    line inserted may read as a header of another rendering (a name alone under a paragraph
    is Disqus's): a comment by it is its own."""
    text, inserted = mutated
    try:
        page = parse_page(text)
    except PageError:
        return
    lines = normalise(text).split("\n")
    title_at = next(i for i, line in enumerate(lines) if line.strip())
    headers = [line for line in lines[title_at + 1 :] if match_header(line.strip())]
    seeded = [c for c in page.comments if not (c.author and any(c.author in x for x in inserted))]
    assert len(seeded) == len(headers)
    assert all(not match_header(line) for c in page.comments for line in c.body.split("\n"))
    check_tree(page)
