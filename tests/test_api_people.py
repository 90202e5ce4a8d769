"""Quotes, speakers and authors across articles, over HTTP."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from schemas import AuthorPage, CommentPage, QuotePage, SpeakerPage
from tests.conftest import EDGE_ID, SEED_ID, assert_problem

Client = AsyncTestClient[Litestar]


async def get(client: Client, url: str, type_: Any, **params: Any) -> Any:
    r = await client.get(url, params=params) if params else await client.get(url)
    assert r.status_code == 200, r.text
    return msgspec.json.decode(r.content, type=type_)


async def test_quotes_by_speaker_alias(client: Client) -> None:
    by_alias = await get(client, "/v1/quotes", QuotePage, speaker="Gessen")
    by_name = await get(client, "/v1/quotes", QuotePage, speaker="Masha Gessen")
    assert by_alias == by_name
    assert len(by_name.items) == 3
    assert all(q.speaker == "Masha Gessen" for q in by_name.items)
    assert {(q.section, q.comment_id) for q in by_name.items} == {(1, None)}


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"kind": "speech", "in_comments": "false"}, 20),  # 19 + the nested one
        ({"kind": "title"}, 6),  # 2 in the article, 4 in comments
        ({"in_comments": "true", "kind": "speech"}, 5),
        ({"article_id": EDGE_ID}, 0),
    ],
)
async def test_quote_filters(client: Client, params: dict[str, Any], count: int) -> None:
    page = await get(client, "/v1/quotes", QuotePage, limit=500, **params)
    assert len(page.items) == count


async def test_article_quotes_paginate_in_order(client: Client) -> None:
    whole = await get(client, f"/v1/articles/{SEED_ID}/quotes", QuotePage, limit=500)
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 4}
        if cursor:
            params["cursor"] = cursor
        page = await get(client, f"/v1/articles/{SEED_ID}/quotes", QuotePage, **params)
        seen += [q.id for q in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [q.id for q in whole.items] == sorted(seen)
    assert all(q.article_id == SEED_ID for q in whole.items)
    sourced = [q for q in whole.items if q.source_comment_id]
    assert len(sourced) == 2


async def test_speakers_across_articles(client: Client) -> None:
    page = await get(client, "/v1/speakers", SpeakerPage, limit=500)
    names = [s.name for s in page.items]
    assert names == sorted(names)
    putin = next(s for s in page.items if s.name == "Vladimir Putin")
    assert putin.quotes == 7
    assert putin.articles == 1
    assert "Russia's President Putin" in putin.aliases
    first = await get(client, "/v1/speakers", SpeakerPage, limit=3)
    assert first.next_cursor is not None
    rest = await get(client, "/v1/speakers", SpeakerPage, cursor=first.next_cursor, limit=500)
    assert [s.name for s in first.items + rest.items] == names


async def test_authors(client: Client) -> None:
    page = await get(client, "/v1/authors", AuthorPage, limit=500)
    by_name = {a.name: a for a in page.items}
    assert by_name["nmewn"].comments == 4
    assert by_name["TeethVillage88s"].comments == 4
    assert by_name["alice"].not_verified_comments == 1
    assert by_name["carol"].articles == 1
    first_seen = by_name["nmewn"].first_seen
    assert first_seen is not None
    assert first_seen.isoformat() == "2017-06-18T19:17:00+00:00"
    assert [a.name for a in page.items] == sorted(by_name)


async def test_author_comments_newest_first_and_paginated(client: Client) -> None:
    whole = await get(client, "/v1/authors/TeethVillage88s/comments", CommentPage)
    times = [c.posted_at for c in whole.items]
    assert times == sorted(times, reverse=True)
    assert len(times) == 4
    first = await get(client, "/v1/authors/TeethVillage88s/comments", CommentPage, limit=2)
    assert first.next_cursor is not None
    rest = await get(
        client, "/v1/authors/TeethVillage88s/comments", CommentPage, cursor=first.next_cursor
    )
    assert [c.id for c in first.items + rest.items] == [c.id for c in whole.items]
    spaced = await get(client, "/v1/authors/van der Berg/comments", CommentPage)
    assert [c.author for c in spaced.items] == ["van der Berg"]


@pytest.mark.parametrize(
    ("url", "params", "status", "field"),
    [
        ("/v1/quotes", {"kind": "dialogue"}, 400, "kind"),
        ("/v1/quotes", {"in_comments": "sometimes"}, 400, "in_comments"),
        ("/v1/quotes", {"article_id": "0"}, 400, "article_id"),
        ("/v1/quotes", {"cursor": "xyz"}, 400, "cursor"),
        ("/v1/articles/999/quotes", {}, 404, None),
        ("/v1/speakers", {"limit": "0"}, 400, "limit"),
        ("/v1/authors", {"cursor": "WzEsImF1dGhvcnMiLHt9LFsxXV0"}, 400, "cursor"),
        ("/v1/authors/nobody%20at%20all/comments", {}, 404, None),
    ],
)
async def test_people_problems(
    client: Client, url: str, params: dict[str, str], status: int, field: str | None
) -> None:
    assert_problem(await client.get(url, params=params), status, field)
