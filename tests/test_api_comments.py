"""`/v1/articles/{id}/comments` (every filter, sort and page walk) and `/v1/comments/{id}`."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from schemas import Comment, CommentPage
from tests.conftest import EDGE_ID, ROOT, SEED_ID, TEST_SECRET

Client = AsyncTestClient[Litestar]
URL = f"/v1/articles/{SEED_ID}/comments"
EXPECTED = json.loads((ROOT / "fixtures" / "putin-kgb-dresden.expected.json").read_text())


async def fetch(client: Client, url: str = URL, **params: Any) -> CommentPage:
    r = await client.get(url, params=params)
    assert r.status_code == 200, r.text
    return msgspec.json.decode(r.content, type=CommentPage)


async def walk(client: Client, limit: int, **params: Any) -> list[Comment]:
    """Follow `next_cursor` to the end, checking the `Link` header on the way."""
    out: list[Comment] = []
    cursor = None
    for _ in range(100):
        query = dict(params, limit=limit)
        if cursor:
            query["cursor"] = cursor
        r = await client.get(URL, params=query)
        assert r.status_code == 200, r.text
        page = msgspec.json.decode(r.content, type=CommentPage)
        assert len(page.items) <= limit
        out += page.items
        cursor = page.next_cursor
        if cursor is None:
            assert "link" not in r.headers
            return out
        assert f"cursor={cursor}" in r.headers["link"]
    raise AssertionError("pagination did not end")


async def test_default_order_is_page_order(client: Client) -> None:
    page = await fetch(client)
    assert [c.position for c in page.items] == list(range(22))
    assert page.next_cursor is None
    assert [c.author for c in page.items] == [c["author"] for c in EXPECTED["comments"]]


async def test_parents_are_ids_and_match_the_annotation(client: Client) -> None:
    page = await fetch(client)
    by_position = {c.position: c for c in page.items}
    for want in EXPECTED["comments"]:
        got = by_position[want["position"]]
        parent = want["parent"]
        assert got.parent_id == (None if parent is None else by_position[parent].id)
        assert got.parent_resolution == want["resolution"]


@pytest.mark.parametrize("sort", ["position", "-position", "posted_at", "-posted_at"])
@pytest.mark.parametrize("limit", [1, 3, 7, 22])
async def test_walk_every_page_without_gaps_or_duplicates(
    client: Client, sort: str, limit: int
) -> None:
    walked = await walk(client, limit, sort=sort)
    ids = [c.id for c in walked]
    assert len(ids) == len(set(ids)) == 22
    keys = [(c.posted_at, c.position) if "posted_at" in sort else (c.position,) for c in walked]
    assert keys == sorted(keys, reverse=sort.startswith("-"))


async def test_walk_with_filters_keeps_them(client: Client) -> None:
    walked = await walk(client, 2, top_level=False, sort="-posted_at")
    assert len(walked) == 17
    assert all(c.parent_author is not None for c in walked)


async def test_cursor_alone_keeps_the_first_requests_filters(client: Client) -> None:
    first = await fetch(client, author="nmewn", limit=2)
    assert first.next_cursor is not None
    rest = await fetch(client, cursor=first.next_cursor, limit=10)
    assert {c.author for c in first.items + rest.items} == {"nmewn"}
    assert [c.position for c in first.items + rest.items] == [5, 11, 12, 16]


async def test_following_the_link_header(client: Client) -> None:
    r = await client.get(URL, params={"limit": 5, "verified": "true"})
    link = r.headers["link"]
    url = link[link.index("<") + 1 : link.index(">")]
    assert url.startswith("http://")
    assert "verified=true" in url
    nxt = await client.get(url)
    assert nxt.status_code == 200
    assert [c["position"] for c in nxt.json()["items"]] == [5, 6, 7, 8, 9]


async def test_the_link_header_keeps_the_clients_parameter_order(client: Client) -> None:
    # Litestar's parsed query orders keys by the hash seed: two workers would write two
    # different links for one request, and a cached page would carry whichever came first.
    sent = "until=2100-01-01T00:00:00Z&verified=true&sort=position&since=2000-01-01T00:00:00Z"
    r = await client.get(f"{URL}?limit=2&removed=false&{sent}")
    assert r.status_code == 200
    link = r.headers["link"]
    query = link[link.index("?") + 1 : link.index(">")]
    assert query.startswith("removed=false&until=2100-01-01T00%3A00%3A00Z&verified=true&sort=")
    assert "&since=2000-01-01T00%3A00%3A00Z&limit=2&cursor=" in query


@pytest.mark.parametrize(
    ("params", "positions"),
    [
        ({"author": "Endgame Napoleon"}, [17, 20]),
        ({"author": "mary mary"}, [19]),
        ({"author": "nobody"}, []),
        ({"verified": "true"}, list(range(22))),
        ({"verified": "false"}, []),
        ({"parent_id": 9}, [16, 17]),
        ({"top_level": "true"}, [4, 8, 18, 19, 20]),
        ({"since": "2017-06-19T00:00:00Z"}, [2, 3, 14, 15]),
        ({"until": "2017-06-18T19:05:00Z"}, [4, 8]),
        ({"since": "2017-06-18T19:30:00+00:00", "until": "2017-06-18T19:40:00Z"}, [7, 9, 17, 21]),
        ({"since": "2017-06-18T15:30:00-04:00", "until": "2017-06-18T19:40:00Z"}, [7, 9, 17, 21]),
        ({"author": "nmewn", "top_level": "false", "sort": "-posted_at"}, [12, 11, 5, 16]),
    ],
)
async def test_filters(client: Client, params: dict[str, Any], positions: list[int]) -> None:
    page = await fetch(client, **params)
    assert [c.position for c in page.items] == positions


async def test_not_verified_filter_on_a_page_that_has_them(client: Client) -> None:
    page = await fetch(client, f"/v1/articles/{EDGE_ID}/comments", verified="false")
    assert [c.author for c in page.items] == ["alice", "erin"]


async def test_get_comment(client: Client) -> None:
    all_ = (await fetch(client)).items
    reply = all_[10]
    r = await client.get(f"/v1/comments/{reply.id}")
    assert r.status_code == 200
    comment = msgspec.json.decode(r.content, type=Comment)
    assert comment == reply
    assert comment.author == "TeethVillage88s"
    assert comment.parent_id == all_[9].id
    assert comment.parent_resolution == "inferred"
    assert comment.root_id == all_[8].id
    assert comment.depth == 3
    assert r.json()["posted_at"] == "2017-06-18T19:45:00Z"


async def test_orphan_reply_is_kept_with_its_named_parent(client: Client) -> None:
    first = (await fetch(client, limit=1)).items[0]
    assert first.parent_id is None
    assert (first.parent_author, first.parent_author_verified) == ("Art Van Delay", False)
    assert first.parent_resolution == "missing"
    assert first.reply_count == 2


def depth_first(comments: list[Comment]) -> list[int]:
    """Depth-first order computed here from parent ids: oldest first, orphans as roots."""
    children: dict[int | None, list[Comment]] = {}
    for c in comments:
        children.setdefault(c.parent_id, []).append(c)
    out: list[int] = []

    def visit(parent: int | None) -> None:
        for c in sorted(children.get(parent, []), key=lambda c: (c.posted_at, c.position)):
            out.append(c.id)
            visit(c.id)

    visit(None)
    return out


@pytest.mark.parametrize("limit", [1, 4, 22])
async def test_thread_order_walks_depth_first(client: Client, limit: int) -> None:
    everything = (await fetch(client)).items
    walked = await walk(client, limit, sort="thread")
    assert [c.id for c in walked] == depth_first(everything)
    for previous, current in itertools.pairwise(walked):
        if current.parent_id is not None and current.depth > 1:
            assert current.depth <= previous.depth + 1


async def test_totals_are_opt_in(client: Client) -> None:
    r = await client.get(URL, params={"limit": 2})
    assert "total" not in r.json()
    plain = await fetch(client, limit=2, include_total="true")
    assert plain.total == 22
    filtered = await fetch(client, author="nmewn", include_total="true", limit=1)
    assert filtered.total == 4
    following = await fetch(client, cursor=filtered.next_cursor, include_total="true")
    assert following.total == 4
    articles = (await client.get("/v1/articles", params={"include_total": "true"})).json()
    assert articles["total"] == 2


async def test_times_outside_years_1_to_9999_are_shown_at_the_nearest_end(
    seeded_db: Path, tmp_path: Path
) -> None:
    """Rows written before times were checked: one bad time fails no list (SQLite only: the
    PostgreSQL schema cannot hold such times)."""
    path = tmp_path / "old.db"
    with sqlite3.connect(seeded_db) as source, sqlite3.connect(path) as target:
        source.backup(target)
        target.execute(
            "UPDATE comments SET posted_at = ?, edited_at = ? WHERE article_id = ? "
            "AND position = 0",
            (10**12, 10**12, SEED_ID),
        )
        target.execute(
            "UPDATE comments SET posted_at = ?, removed_at = ? WHERE article_id = ? "
            "AND position = 1",
            (-(10**12), -(10**12), SEED_ID),
        )
    settings = Settings(db_path=path, secret=TEST_SECRET, rate_limit_per_minute=0)
    async with AsyncTestClient(create_app(settings)) as client:
        items = (await client.get(URL)).json()["items"]
        single = (await client.get(f"/v1/comments/{items[1]['id']}")).json()
    late, early = "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"
    assert (items[0]["posted_at"], items[0]["edited_at"]) == (late, late)
    assert (items[1]["posted_at"], items[1]["removed_at"]) == (early, early)
    assert single == items[1]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"limit": 5},
        {"top_level": "true"},
        {"top_level": "false"},
        {"author": "TeethVillage88s"},  # ids far apart
        {"author": "Implied Violins"},  # two neighbours, both quoting
        {"sort": "-posted_at", "limit": 7},
    ],
)
async def test_every_page_carries_its_own_quotes_and_links(
    client: Client, seeded_db: Path, params: dict[str, Any]
) -> None:
    """Whatever rows a page picks, each comment has its own quotes and links, no neighbour's."""
    conn = sqlite3.connect(f"file:{seeded_db}?mode=ro", uri=True)
    quotes: dict[int, list[str]] = {}
    for comment_id, text in conn.execute(
        "SELECT comment_id, text FROM quotes WHERE comment_id IS NOT NULL "
        "ORDER BY comment_id, position"
    ):
        quotes.setdefault(comment_id, []).append(text)
    links: dict[int, list[str]] = {}
    for comment_id, url in conn.execute(
        "SELECT comment_id, url FROM links WHERE comment_id IS NOT NULL "
        "ORDER BY comment_id, position"
    ):
        links.setdefault(comment_id, []).append(url)
    conn.close()
    assert quotes
    assert links
    page = await fetch(client, **params)
    assert page.items
    for c in page.items:
        assert [q.text for q in c.quotes] == quotes.get(c.id, []), c.id
        assert [link.url for link in c.links] == links.get(c.id, []), c.id
