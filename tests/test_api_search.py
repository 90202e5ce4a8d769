"""`GET /v1/search` over HTTP: ranking, highlights, escaping, pagination and errors."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.ingest.structured import page_from_import
from api.settings import Settings
from api.store.fts import excerpt
from api.store.sqlite import connections as db
from api.store.sqlite.writes import store_page
from schemas.imports import ArticleImport, ImportComment, ImportParagraph, ImportSection
from schemas.search import ArticleHit, CommentHit, QuoteHit, SearchPage
from tests.conftest import assert_problem

Client = AsyncTestClient[Litestar]


async def search(client: Client, **params: Any) -> SearchPage:
    r = await client.get("/v1/search", params=params)
    assert r.status_code == 200, r.text
    return msgspec.json.decode(r.content, type=SearchPage)


async def test_comment_search_with_highlights(client: Client) -> None:
    page = await search(client, q="light touch")
    assert page.items
    for hit in page.items:
        assert isinstance(hit, CommentHit)
        marked = [hit.text[h.start : h.end].lower() for h in hit.highlights]
        assert set(marked) <= {"light", "touch"}
        assert marked
        assert "<mark>" in hit.snippet
    authors = {hit.author for hit in page.items if isinstance(hit, CommentHit)}
    assert "LetThemEatRand" in authors


async def test_ranked_by_bm25(client: Client) -> None:
    page = await search(client, q="leader")
    scores = [hit.score for hit in page.items]
    assert scores == sorted(scores)
    first = page.items[0]
    assert isinstance(first, CommentHit)
    assert first.author == "the French bitch"  # says "leader" five times


async def test_newest_order_is_most_recently_added_first(client: Client) -> None:
    page = await search(client, q="Putin", order="newest")
    ids = [hit.comment_id for hit in page.items if isinstance(hit, CommentHit)]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == len(page.items) > 3


async def test_rank_window_keeps_pages_consistent(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.store.postgres import search as postgres_search
    from api.store.sqlite import reads

    monkeypatch.setattr(reads, "RANK_WINDOW", 3)
    monkeypatch.setattr(postgres_search, "RANK_WINDOW", 3)
    everything = await search(client, q="Putin", order="newest", limit=500)
    newest = {h.comment_id for h in everything.items[:3] if isinstance(h, CommentHit)}
    first = await search(client, q="Putin", limit=2)
    rest = await search(client, cursor=first.next_cursor, limit=10)
    ranked = [h.comment_id for h in first.items + rest.items if isinstance(h, CommentHit)]
    assert sorted(ranked) == sorted(newest)  # only the window is ranked, across pages


async def test_article_and_quote_search(client: Client) -> None:
    articles = await search(client, q="furnace burst", type="article")
    assert [type(h) for h in articles.items] == [ArticleHit]
    quotes = await search(client, q="furnace", type="quote")
    hit = quotes.items[0]
    assert isinstance(hit, QuoteHit)
    assert hit.speaker == "Vladimir Putin"
    assert hit.text == "We burned so much stuff that the furnace burst."


async def test_stemming_and_escaping(client: Client) -> None:
    stemmed = await search(client, q="burning", type="article")
    assert len(stemmed.items) == 1
    escaped = await search(client, q='AND OR ( "unbalanced')
    assert all(isinstance(h, CommentHit) for h in escaped.items)
    near = await search(client, q='"light touch" OR furnace', type="article", mode="fts")
    assert len(near.items) == 1


@pytest.mark.parametrize("order", ["rank", "newest"])
async def test_walk_all_pages(client: Client, order: str) -> None:
    whole = await search(client, q="Putin", order=order, limit=500)
    seen: list[int] = []
    params: dict[str, Any] = {"q": "Putin", "order": order, "limit": 2}
    while True:
        page = await search(client, **params)
        seen += [h.comment_id for h in page.items if isinstance(h, CommentHit)]
        if page.next_cursor is None:
            break
        params = {"cursor": page.next_cursor, "limit": 2}
    assert seen == [h.comment_id for h in whole.items if isinstance(h, CommentHit)]
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "!!!"}, "q"),
        ({"q": "a" * 257}, "q"),
        ({"q": " ".join(["w"] * 17)}, "q"),
        ({"q": "AND OR (", "mode": "fts"}, "q"),
        ({"q": "x", "type": "author"}, "type"),
        ({"q": "x", "order": "best"}, "order"),
        ({"q": "x", "mode": "regex"}, "mode"),
    ],
)
async def test_search_problems(client: Client, params: dict[str, str], field: str) -> None:
    assert_problem(await client.get("/v1/search", params=params), 400, field)


def test_excerpt_escapes_html_and_counts_offsets() -> None:
    ex = excerpt("a <b> [match] & [two]", ("[", "]"))
    assert ex.text == "a <b> match & two"
    assert ex.html == "a &lt;b&gt; <mark>match</mark> &amp; <mark>two</mark>"
    assert [(h.start, h.end) for h in ex.highlights] == [(6, 11), (14, 17)]


PRIVATE = "\ue000\ue001"  # the private-use characters that once served as snippet marks


@pytest.fixture
async def private_use_client(tmp_path: Path) -> AsyncIterator[Client]:
    page = ArticleImport(
        title=f"Weather {PRIVATE} report",
        sections=[ImportSection(paragraphs=[ImportParagraph(text=f"Rain \ue001 then {PRIVATE}.")])],
        comments=[
            ImportComment(
                author=f"x{PRIVATE}",
                posted_at=datetime(2020, 1, 1, tzinfo=UTC),
                body=f'open \ue000 rain "close \ue001 rain {PRIVATE}," says Ann Lee.',
            )
        ],
    )
    conn = db.connect(tmp_path / "pua.db")
    store_page(conn, page_from_import(page))
    conn.close()
    async with AsyncTestClient(create_app(Settings(db_path=tmp_path / "pua.db"))) as c:
        yield c


@pytest.mark.parametrize("kind", ["comment", "article", "quote"])
async def test_private_use_characters_in_text_survive_snippets(
    private_use_client: Client, kind: str
) -> None:
    page = await search(private_use_client, q="rain", type=kind)
    [hit] = page.items
    assert "\ue000" in hit.text or "\ue001" in hit.text
    assert [hit.text[h.start : h.end].lower() for h in hit.highlights] == ["rain"] * len(
        hit.highlights
    )
    assert hit.highlights
    assert hit.snippet.count("<mark>") == hit.snippet.count("</mark>") == len(hit.highlights)
    plain = hit.snippet.replace("<mark>", "").replace("</mark>", "")
    assert html.unescape(plain) == hit.text


async def test_marks_found_in_a_text_are_drawn_again(
    private_use_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.routes import search as route

    drawn = iter([("\ue000", "\ue001"), ("<<", ">>")])
    monkeypatch.setattr(route, "new_marks", lambda: next(drawn))
    [hit] = (await search(private_use_client, q="rain")).items
    assert hit.snippet.count("<mark>rain</mark>") == 2
    assert "\ue000" in hit.text
