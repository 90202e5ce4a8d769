"""The page parser on the seed and on edge cases: pure functions, no server."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from api.ingest.errors import PageError
from api.ingest.headers import match_footer, match_header, split_names
from api.ingest.page import parse_page
from tests.conftest import EDGE, ROOT, SEED

EXPECTED = json.loads((ROOT / "fixtures" / "putin-kgb-dresden.expected.json").read_text())


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_seed_article_structure(seed_text: str) -> None:
    page = parse_page(seed_text)
    assert page.title == EXPECTED["title"]
    assert len(page.sections) == EXPECTED["sections"]
    captions = [b.text for s in page.sections for b in s if b.kind == "caption"]
    assert captions == EXPECTED["captions"]
    assert page.sections[2][0].text.startswith("While Showtime has limited")


def test_seed_comments_and_authors(seed_text: str) -> None:
    page = parse_page(seed_text)
    assert len(page.comments) == 22
    assert sum(c.parent_author is None for c in page.comments) == 5
    got = [(c.author, c.parent_author) for c in page.comments]
    want = [(c["author"], c["parent_author"]) for c in EXPECTED["comments"]]
    assert got == want


def test_seed_not_verified_parent_is_kept(seed_text: str) -> None:
    first = parse_page(seed_text).comments[0]
    assert (first.author, first.author_verified) == ("MEFOBILLS", True)
    assert (first.parent_author, first.parent_author_verified) == ("Art Van Delay", False)


def test_footer_is_removed_from_the_body(seed_text: str) -> None:
    page = parse_page(seed_text)
    assert all("In reply to by" not in c.body for c in page.comments)
    assert page.comments[2].body.endswith("Edit: a discussion of the JFK/Dimona issue is here:")


def test_times_are_read_in_the_page_zone_and_kept_in_utc(seed_text: str) -> None:
    utc = parse_page(seed_text).comments[4].posted_at
    ny = parse_page(seed_text, ZoneInfo("America/New_York")).comments[4].posted_at
    assert utc == datetime(2017, 6, 18, 18, 45, tzinfo=UTC)
    assert ny == datetime(2017, 6, 18, 22, 45, tzinfo=UTC)


def test_reply_tree_matches_the_hand_annotation(seed_text: str) -> None:
    page = parse_page(seed_text)
    got = [(t.parent, t.resolution) for t in page.threads]
    want = [(c["parent"], c["resolution"]) for c in EXPECTED["comments"]]
    assert got == want


def test_depth_root_and_reply_counts(seed_text: str) -> None:
    threads = parse_page(seed_text).threads
    assert [threads[i].depth for i in (8, 16, 9, 10, 12, 14, 15)] == [0, 1, 2, 3, 4, 4, 5]
    assert {threads[i].root for i in (9, 10, 15, 16, 17)} == {8}
    assert threads[0].depth == 1  # an orphan sits under its absent parent
    assert threads[9].reply_count == 3
    assert sum(t.reply_count for t in threads) == sum(t.parent is not None for t in threads)


def test_edge_cases_names_flags_lists_and_footerless_replies() -> None:
    page = parse_page(EDGE.read_text(encoding="utf-8"))
    kinds = [[b.kind for b in s] for s in page.sections]
    assert kinds == [["paragraph", "caption"], ["paragraph", "list"]]
    people = [
        (c.author, c.author_verified, c.parent_author, c.parent_author_verified)
        for c in page.comments
    ]
    assert people == [
        ("carol", True, None, None),
        ("alice", False, None, None),
        ("bob", True, "alice", False),
        ("carol", True, "bob", True),
        ("van der Berg", True, None, None),
        ("erin", False, "van der Berg", True),
    ]
    assert [t.parent for t in page.threads] == [None, None, 1, 2, None, 4]


def test_crlf_and_bom_do_not_change_identity(seed_text: str) -> None:
    variant = "\ufeff" + seed_text.replace("\n", "\r\n") + "\n\n"
    assert parse_page(variant).content_hash == parse_page(seed_text).content_hash


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "page is empty"),
        ("   \n\n  \n", "page is empty"),
        ("bob Sun, 06/18/2017 - 22:09 Permalink\nhello\n", "no title"),
    ],
)
def test_malformed_pages_raise_page_error(text: str, reason: str) -> None:
    with pytest.raises(PageError, match=reason):
        parse_page(text)


def test_impossible_dates_are_not_headers() -> None:
    assert match_header("bob Sun, 13/45/2017 - 22:09 Permalink") is None
    header = match_header("Art Van Delay Sun, 06/18/2017 - 22:09 Permalink")
    assert header is not None
    assert header.names == "Art Van Delay"


def test_a_page_without_comments_is_an_article() -> None:
    page = parse_page("Title\n\nJust one paragraph.\n")
    assert page.comments == []
    assert [[b.text for b in s] for s in page.sections] == [["Just one paragraph."]]


def test_split_names_prefers_the_footer() -> None:
    footer = match_footer("In reply to by Art Van Delay (not verified)")
    assert footer is not None
    names = split_names("MEFOBILLS Art Van Delay (not verified)", footer, frozenset())
    assert (names.author, names.parent, names.parent_verified) == (
        "MEFOBILLS",
        "Art Van Delay",
        False,
    )
    assert split_names("mary mary", None, frozenset()).author == "mary mary"
