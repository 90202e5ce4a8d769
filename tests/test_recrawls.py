"""Re-crawls over HTTP and through the store: one article per page, comment ids kept, edits,
removals, history; crawls in any order end in the same stored thread."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.ingest.merge import Stamp
from api.ingest.model import Block, ParsedComment
from api.ingest.page import assemble
from api.settings import Settings
from api.store.protocol import Crawl, Source
from api.store.sqlite import connections as db
from api.store.sqlite.crawls import ingest_crawl
from tests.conftest import SEED, assert_problem
from tests.test_api_writes import Keys, text_headers
from tests.test_merge import STEPS, grow
from tests.test_renderings import DISQUS, _flat_thread

Client = AsyncTestClient[Litestar]
SEED_TEXT = SEED.read_text(encoding="utf-8")
MARY = "mary mary Sun, 06/18/2017 - 19:06 Permalink\n\nI saw Charlie Rose interviewing Oliver Stone"
MARY_ID = 20
LATE = "\nlatecomer Mon, 06/19/2017 - 12:00 Permalink\n\nLate to this thread, but worth it.\n"
GROWN = SEED_TEXT.rstrip("\n") + "\n" + LATE
EDITED = GROWN.replace("I saw Charlie Rose", "I watched Charlie Rose")
WITHOUT_MARY = GROWN[: GROWN.index(MARY)] + GROWN[GROWN.index("Endgame Napoleon Sun") :]
T1, T2, T3 = "2017-06-19T12:00:00Z", "2017-06-20T12:00:00Z", "2017-06-21T12:00:00Z"


@pytest.fixture
def keys(write_settings: Settings) -> Keys:
    return Keys(write_settings)


@pytest.fixture
async def client(write_settings: Settings, keys: Keys) -> AsyncIterator[Client]:
    """A client of a new database on each engine (`write_settings`): every test over HTTP
    here runs on SQLite and on PostgreSQL."""
    app = create_app(msgspec.structs.replace(write_settings, rate_limit_per_minute=0))
    async with AsyncTestClient(app) as c:
        yield c


async def crawl(client: Client, keys: Keys, text: str, crawled_at: str, **params: str) -> Any:
    r = await client.post(
        "/v1/articles",
        content=text,
        headers=text_headers(keys),
        params={"crawled_at": crawled_at, **params},
    )
    assert r.status_code in (200, 201), r.text
    return r


async def comments(client: Client, **params: str) -> list[dict[str, Any]]:
    r = await client.get("/v1/articles/1/comments", params={"limit": "100", **params})
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def test_seed_then_recrawl_with_one_more_comment_is_one_article(
    client: Client, keys: Keys
) -> None:
    first = await crawl(client, keys, SEED_TEXT, T1)
    assert first.status_code == 201
    before = {c["id"]: c for c in await comments(client)}
    second = await crawl(client, keys, GROWN, T2)
    assert second.status_code == 200
    assert second.headers["content-location"] == "/v1/articles/1"
    body = second.json()
    assert body["id"] == 1
    assert body["counts"]["comments"] == 23
    assert body["changes"] == {
        "outcome": "merged",
        "crawl_id": 2,
        "comments_added": 1,
        "comments_edited": 0,
        "comments_removed": 0,
        "text_edited": False,
    }
    after = {c["id"]: c for c in await comments(client)}
    assert sorted(after) == list(range(1, 24))
    for cid, old in before.items():
        assert {k: v for k, v in after[cid].items() if k != "first_seen_at"} == {
            k: v for k, v in old.items() if k != "first_seen_at"
        }
        assert after[cid]["first_seen_at"] == "2017-06-19T12:00:00Z"
    assert after[23]["author"] == "latecomer"
    assert after[23]["first_seen_at"] == "2017-06-20T12:00:00Z"
    listed = (await client.get("/v1/articles", params={"include_total": "true"})).json()
    assert listed["total"] == 1
    history = (await client.get("/v1/articles/1/crawls")).json()["items"]
    assert [(c["crawled_at"], c["outcome"], c["comments_added"]) for c in history] == [
        ("2017-06-19T12:00:00Z", "created", 22),
        ("2017-06-20T12:00:00Z", "merged", 1),
    ]
    assert all(c["source_stored"] and c["parser_version"] for c in history)


async def test_a_parent_time_order_gave_stays_inferred_across_crawls(
    client: Client, keys: Keys
) -> None:
    said = [
        ("Ann Lee", 0, "A first comment of some words."),
        ("Bob Ray", 20, "An answer to the first one."),
        ("Di Eng", 10, "A second comment of some words."),
    ]
    await crawl(client, keys, _flat_thread(said), T1)
    # a later crawl shows one more comment; the merged thread keeps how each parent was found
    await crawl(client, keys, _flat_thread([*said, ("Hal Ida", 50, "A last comment.")]), T2)
    got = [(c["author"], c["parent_id"], c["parent_resolution"]) for c in await comments(client)]
    assert got == [
        ("Ann Lee", None, "none"),
        ("Bob Ray", 1, "inferred"),
        ("Di Eng", None, "none"),
        ("Hal Ida", None, "none"),
    ]


async def test_edits_keep_the_id_and_the_earlier_body(client: Client, keys: Keys) -> None:
    await crawl(client, keys, GROWN, T1)
    r = await crawl(client, keys, EDITED, T2)
    assert r.json()["changes"]["comments_edited"] == 1
    mary = (await client.get(f"/v1/comments/{MARY_ID}")).json()
    assert mary["body"].startswith("I watched Charlie Rose")
    assert mary["edited_at"] == "2017-06-20T12:00:00Z"
    revisions = (await client.get(f"/v1/comments/{MARY_ID}/revisions")).json()
    assert revisions["body"] == mary["body"]
    assert [
        (v["body"][:18], v["first_seen_at"], v["last_seen_at"]) for v in revisions["items"]
    ] == [("I saw Charlie Rose", "2017-06-19T12:00:00Z", "2017-06-19T12:00:00Z")]
    found = (await client.get("/v1/search", params={"q": "watched Charlie"})).json()["items"]
    assert [hit["comment_id"] for hit in found] == [MARY_ID]
    assert_problem(await client.get("/v1/comments/999/revisions"), 404)


async def test_removed_comments_are_kept_marked_and_can_be_hidden(
    client: Client, keys: Keys
) -> None:
    await crawl(client, keys, GROWN, T1)
    r = await crawl(client, keys, WITHOUT_MARY, T2)
    assert r.json()["changes"]["comments_removed"] == 1
    everything = await comments(client)
    assert len(everything) == 23
    gone = [c for c in everything if c["removed_at"] is not None]
    assert [(c["id"], c["removed_at"]) for c in gone] == [(MARY_ID, "2017-06-20T12:00:00Z")]
    shown = await comments(client, removed="false")
    assert MARY_ID not in {c["id"] for c in shown}
    assert len(shown) == 22
    assert [c["id"] for c in await comments(client, removed="true")] == [MARY_ID]


async def test_seen_since_lists_what_is_new_and_answers_304_when_nothing_is(
    client: Client, keys: Keys
) -> None:
    await crawl(client, keys, SEED_TEXT, T1)
    await crawl(client, keys, GROWN, T2)
    new = await comments(client, seen_since="2017-06-19T13:00:00Z")
    assert [c["author"] for c in new] == ["latecomer"]
    url = "/v1/articles/1/comments?seen_since=2017-06-19T13:00:00Z"
    first = await client.get(url)
    again = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert_problem(
        await client.get("/v1/articles/1/comments", params={"seen_since": "yesterday"}),
        400,
        "seen_since",
    )


async def test_seen_since_and_removed_stay_with_the_cursor(client: Client, keys: Keys) -> None:
    await crawl(client, keys, GROWN, T1)
    await crawl(client, keys, EDITED.replace("Late to this thread", "Late, but"), T2)
    await crawl(client, keys, WITHOUT_MARY, T3)
    query = {"seen_since": T1, "removed": "false", "limit": "5"}
    first = await client.get("/v1/articles/1/comments", params=query)
    assert first.status_code == 200, first.text
    seen = [c["id"] for c in first.json()["items"]]
    cursor = first.json()["next_cursor"]
    while cursor is not None:
        page = await client.get("/v1/articles/1/comments", params={"cursor": cursor, "limit": "5"})
        seen += [c["id"] for c in page.json()["items"]]
        cursor = page.json()["next_cursor"]
    assert len(seen) == 22
    assert MARY_ID not in seen
    other = await client.get(
        "/v1/articles/1/comments",
        params={"cursor": first.json()["next_cursor"], "removed": "true"},
    )
    assert_problem(other, 400, "removed")
    later = await client.get(
        "/v1/articles/1/comments",
        params={"cursor": first.json()["next_cursor"], "seen_since": T2},
    )
    assert_problem(later, 400, "seen_since")


async def test_relative_times_read_against_each_crawl_are_one_comment(
    client: Client, keys: Keys
) -> None:
    """ "2 hours ago" read on two days is two times but one comment, dated by its first crawl."""
    first = await crawl(client, keys, DISQUS, "2020-01-02T12:00:00Z")
    assert first.status_code == 201
    before = await comments(client)
    again = await crawl(client, keys, DISQUS, "2020-01-03T12:00:00Z")
    assert again.status_code == 200
    assert again.json()["changes"]["comments_added"] == 0
    assert again.json()["counts"]["comments"] == len(before) == 2
    after = await comments(client)
    assert [(c["id"], c["posted_at"], c["removed_at"]) for c in after] == [
        (c["id"], c["posted_at"], None) for c in before
    ]


async def test_an_older_crawl_neither_resurrects_nor_undoes(client: Client, keys: Keys) -> None:
    await crawl(client, keys, SEED_TEXT, T1)
    newest = WITHOUT_MARY.replace("Thanks for interesting posts", "Thanks for the posts")
    await crawl(client, keys, newest, T3)
    late = await crawl(client, keys, GROWN, T2)  # older than T3, arriving last
    assert late.json()["changes"]["comments_edited"] == 0
    assert late.json()["changes"]["comments_removed"] == 0
    by_id = {c["id"]: c for c in await comments(client)}
    assert by_id[MARY_ID]["removed_at"] == "2017-06-21T12:00:00Z"
    teeth = [c for c in by_id.values() if c["body"].startswith("Thanks for")]
    assert [c["body"][:20] for c in teeth] == ["Thanks for the posts"]
    history = (await client.get("/v1/articles/1/crawls")).json()["items"]
    assert [c["crawled_at"][:10] for c in history] == ["2017-06-19", "2017-06-20", "2017-06-21"]


async def test_the_same_crawl_twice_changes_nothing(client: Client, keys: Keys) -> None:
    await crawl(client, keys, SEED_TEXT, T1)
    await crawl(client, keys, GROWN, T2)
    before = await comments(client)
    again = await crawl(client, keys, GROWN, T2)
    assert again.json()["changes"]["outcome"] == "unchanged"
    assert again.json()["changes"]["crawl_id"] is None
    assert await comments(client) == before
    assert len((await client.get("/v1/articles/1/crawls")).json()["items"]) == 2


async def test_the_canonical_url_is_the_identity(client: Client, keys: Keys) -> None:
    await crawl(client, keys, SEED_TEXT, T1, url="https://Example.org/putin?utm_source=x#c")
    retitled = "Putin and the KGB" + SEED_TEXT[SEED_TEXT.index("\n") :]
    r = await crawl(client, keys, retitled, T2, url="https://example.org:443/putin")
    assert r.status_code == 200
    assert r.json()["title"] == "Putin and the KGB"
    assert r.json()["changes"]["text_edited"] is True
    revisions = (await client.get("/v1/articles/1/revisions")).json()["items"]
    assert [v["text"].split("\n")[0] for v in revisions] == [
        "Putin Tells Oliver Stone About His Days As A KGB Spy"
    ]
    other = await crawl(client, keys, SEED_TEXT, T2, url="https://example.org/other")
    assert (other.status_code, other.json()["id"]) == (201, 2)


async def test_an_article_keeps_the_first_url_it_was_known_by(client: Client, keys: Keys) -> None:
    await crawl(client, keys, SEED_TEXT, T1, url="https://example.org/a")
    mirror = await crawl(client, keys, SEED_TEXT, T2, url="https://mirror.example.net/a")
    assert (mirror.status_code, mirror.json()["url"]) == (200, "https://example.org/a")
    grown = await crawl(client, keys, GROWN, T3, url="https://example.org/a?utm_campaign=z")
    assert (grown.json()["id"], grown.json()["counts"]["comments"]) == (1, 23)


async def test_put_replaces_the_content_and_starts_the_history_again(
    client: Client, keys: Keys
) -> None:
    await crawl(client, keys, SEED_TEXT, T1)
    await crawl(client, keys, GROWN, T2)
    r = await client.put(
        "/v1/articles/1", content=EDITED, headers=text_headers(keys), params={"crawled_at": T3}
    )
    assert r.status_code == 200, r.text
    assert r.json()["changes"]["outcome"] == "replaced"
    history = (await client.get("/v1/articles/1/crawls")).json()["items"]
    assert [(c["crawled_at"], c["outcome"]) for c in history] == [
        (T3.replace(".000", ""), "replaced")
    ]
    after = await comments(client)
    assert min(c["id"] for c in after) > 23  # a full replace: new comment ids
    assert {c["first_seen_at"] for c in after} == {T3}
    assert (await client.get("/v1/articles/1/revisions")).json()["items"] == []


async def test_crawled_at_must_be_a_time(client: Client, keys: Keys) -> None:
    r = await client.post(
        "/v1/articles",
        content=SEED_TEXT,
        headers=text_headers(keys),
        params={"crawled_at": "last tuesday"},
    )
    assert_problem(r, 400, "crawled_at")


# --- Property, through the store: crawls in any order end in the same stored thread. ---

Steps = list[tuple[list[tuple[int, str]], list[int], list[int]]]


def store_crawls(crawls: list[tuple[Stamp, list[ParsedComment]]]) -> sqlite3.Connection:
    """A fresh database holding `crawls`, ingested in the order given; after each, every
    comment still has the id it was first given."""
    conn = db.connect(":memory:")
    ids: dict[tuple[str, int], int] = {}
    for (crawled_at, digest), comments in crawls:
        page = assemble("A growing thread", [[Block("paragraph", "Text.")]], comments, digest)
        ingest_crawl(conn, page, Source(crawled_at=crawled_at), Crawl())
        for cid, author, posted in conn.execute("SELECT id, author, posted_at FROM comments"):
            assert ids.setdefault((author, posted), cid) == cid
    return conn


def stored_thread(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    """Every comment by its identity (author and time), with its parent's identity."""
    return conn.execute(
        """
        SELECT c.author, c.posted_at, c.position, c.body, c.first_seen_at, c.edited_at,
               c.removed_at, c.depth, c.parent_resolution, p.author, p.posted_at,
               (SELECT json_group_array(body) FROM (SELECT body FROM comment_revisions r
                JOIN crawls f ON f.id = r.first_crawl_id
                WHERE r.comment_id = c.id ORDER BY f.crawled_at))
        FROM comments c LEFT JOIN comments p ON p.id = c.parent_id ORDER BY c.position
        """
    ).fetchall()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS, seed=st.randoms(use_true_random=False))
def test_stored_crawls_in_any_order_end_in_the_same_thread(
    steps: Steps, seed: random.Random
) -> None:
    crawls = grow(steps)
    shuffled = list(crawls)
    seed.shuffle(shuffled)
    in_order, any_order = store_crawls(crawls), store_crawls(shuffled)
    try:
        expected = stored_thread(in_order)
        assert stored_thread(any_order) == expected
        identities = [(row[0], row[1]) for row in expected]
        assert len(identities) == len(set(identities))  # nothing duplicated
        again = seed.choice(crawls)
        before = in_order.execute("SELECT * FROM comments ORDER BY id").fetchall()
        store_again = assemble("A growing thread", [[Block("paragraph", "Text.")]], again[1], "")
        page = replace(store_again, content_hash=again[0][1])
        result = ingest_crawl(in_order, page, Source(crawled_at=again[0][0]), Crawl())
        assert (result.outcome, result.crawl_id) == ("unchanged", None)
        assert in_order.execute("SELECT * FROM comments ORDER BY id").fetchall() == before
    finally:
        in_order.close()
        any_order.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS)
def test_the_newest_page_seen_again_is_what_a_merge_would_make_of_it(steps: Steps) -> None:
    crawls = grow(steps)
    (last_time, last_hash), comments = crawls[-1]
    fast, merged = store_crawls(crawls), store_crawls(crawls)
    try:
        for conn, digest in ((fast, last_hash), (merged, "zz-another-hash")):
            page = assemble("A growing thread", [[Block("paragraph", "Text.")]], comments, digest)
            result = ingest_crawl(conn, page, Source(crawled_at=last_time + 1), Crawl())
            assert (result.outcome, result.added, result.removed) == ("unchanged", 0, 0)
        state = (
            "SELECT id, position, body, first_crawl_id, last_crawl_id, body_crawl_id, "
            "removed_crawl_id, removed_at, anchor_id, parent_id FROM comments ORDER BY id"
        )
        assert fast.execute(state).fetchall() == merged.execute(state).fetchall()
        versions = "SELECT text, first_crawl_id, last_crawl_id FROM article_versions"
        assert fast.execute(versions).fetchall() == merged.execute(versions).fetchall()
    finally:
        fast.close()
        merged.close()
