"""`/v1/articles/{id}/thread`, `/v1/comments/{id}/replies` and `/v1/comments/{id}/context`."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.ingest.structured import page_from_import
from api.settings import Settings
from api.store.sqlite import connections as db
from api.store.sqlite import reads
from api.store.sqlite.writes import store_page
from schemas import CommentContext, CommentNode, MissingParentNode, MoreNode, Thread, ThreadNode
from schemas.imports import ArticleImport, ImportComment
from tests.conftest import SEED_ID, assert_problem, sign

Client = AsyncTestClient[Litestar]
THREAD = f"/v1/articles/{SEED_ID}/thread"


async def get_thread(client: Client, url: str, **params: Any) -> Thread:
    r = await client.get(url, params=params) if params else await client.get(url)
    assert r.status_code == 200, r.text
    return msgspec.json.decode(r.content, type=Thread)


def comments_in(nodes: list[ThreadNode]) -> list[CommentNode]:
    out: list[CommentNode] = []
    for node in nodes:
        if isinstance(node, CommentNode):
            out.append(node)
            out += comments_in(node.replies)
        elif isinstance(node, MissingParentNode):
            out += comments_in(node.replies)
    return out


def mores_in(nodes: list[ThreadNode]) -> list[MoreNode]:
    out: list[MoreNode] = []
    for node in nodes:
        if isinstance(node, MoreNode):
            out.append(node)
        elif isinstance(node, CommentNode | MissingParentNode):
            out += mores_in(node.replies)
    return out


async def test_default_thread_holds_every_comment_of_the_seed(client: Client) -> None:
    thread = await get_thread(client, THREAD, depth=10)
    ids = [c.id for c in comments_in(thread.nodes)]
    assert sorted(ids) == list(range(1, 23))
    assert mores_in(thread.nodes) == []
    kinds = [type(n).__name__ for n in thread.nodes]
    assert kinds.count("CommentNode") == 5
    assert kinds.count("MissingParentNode") == 2


async def test_tree_shape_matches_the_parents(client: Client) -> None:
    thread = await get_thread(client, THREAD, depth=10)
    for node in comments_in(thread.nodes):
        for reply in node.replies:
            assert isinstance(reply, CommentNode)
            assert reply.parent_id == node.id
            assert reply.depth == node.depth + 1
    missing = [n for n in thread.nodes if isinstance(n, MissingParentNode)]
    assert {(m.parent_author, m.parent_author_verified) for m in missing} == {
        ("Art Van Delay", False),
        ("TeethVillage88s", True),
    }


@pytest.mark.parametrize(
    ("depth", "limit", "per_node", "sort"),
    [(1, 1, 1, "oldest"), (2, 3, 1, "newest"), (1, 5, 2, "replies"), (3, 2, 3, "oldest")],
)
async def test_following_more_nodes_fetches_every_comment_exactly_once(
    client: Client, depth: int, limit: int, per_node: int, sort: str
) -> None:
    first = await get_thread(
        client, THREAD, depth=depth, limit=limit, replies_per_node=per_node, sort=sort
    )
    seen = [c.id for c in comments_in(first.nodes)]
    pending = mores_in(first.nodes)
    requests = 1
    while pending:
        more = pending.pop()
        page = await get_thread(client, more.href)
        requests += 1
        assert len(comments_in(page.nodes)) <= limit
        got = comments_in(page.nodes)
        assert page.nodes, more  # a continuation always makes progress
        assert not (isinstance(page.nodes[0], MoreNode) and len(page.nodes) == 1)
        if more.parent_id is not None:
            assert page.parent_id == more.parent_id
            assert all(
                isinstance(n, CommentNode) and n.parent_id == more.parent_id
                for n in page.nodes
                if not isinstance(n, MoreNode)
            )
        seen += [c.id for c in got]
        pending += mores_in(page.nodes)
        assert requests < 200
    assert sorted(seen) == list(range(1, 23))
    assert len(seen) == len(set(seen))


async def test_bounds_are_respected(client: Client) -> None:
    thread = await get_thread(client, THREAD, depth=1, limit=3, replies_per_node=1)
    comments = comments_in(thread.nodes)
    assert len(comments) == 3
    assert all(c.depth == 0 for c in comments)
    assert all(isinstance(r, MoreNode) for c in comments for r in c.replies)
    assert isinstance(thread.nodes[-1], MoreNode)
    assert thread.nodes[-1].parent_id is None


@pytest.mark.parametrize(
    ("sort", "first"),
    [("oldest", "order66"), ("newest", "Endgame Napoleon"), ("replies", "LetThemEatRand")],
)
async def test_sort_orders(client: Client, sort: str, first: str) -> None:
    thread = await get_thread(client, THREAD, sort=sort, depth=1)
    comments = [n for n in thread.nodes if isinstance(n, CommentNode)]
    assert comments[0].author == first
    if sort == "newest":  # the orphan of Art Van Delay (22:09) is newer than any top level
        assert isinstance(thread.nodes[0], MissingParentNode)


async def test_replies_endpoint_nests_under_the_comment(client: Client) -> None:
    thread = await get_thread(client, "/v1/comments/9/replies", depth=10)
    assert thread.parent_id == 9
    assert [n.id for n in thread.nodes if isinstance(n, CommentNode)] == [17, 18]
    assert sorted(c.id for c in comments_in(thread.nodes)) == [10, 11, 12, 13, 14, 15, 16, 17, 18]


async def test_cursor_keeps_its_sort_and_sizes_unless_sizes_are_given(client: Client) -> None:
    first = await get_thread(client, THREAD, depth=1, limit=2)
    more = mores_in(first.nodes)[-1]
    kept = await get_thread(client, THREAD, cursor=more.cursor)
    assert all(not n.replies for n in kept.nodes if isinstance(n, CommentNode))
    deeper = await get_thread(client, THREAD, cursor=more.cursor, depth=4, limit=1000)
    assert {n.id for n in comments_in(deeper.nodes)} > {n.id for n in comments_in(kept.nodes)}
    resorted = await client.get(THREAD, params={"cursor": more.cursor, "sort": "newest"})
    assert resorted.status_code == 400
    assert resorted.json()["invalid_params"][0]["name"] == "sort"
    elsewhere = await client.get("/v1/comments/9/replies", params={"cursor": more.cursor})
    assert elsewhere.status_code == 400
    assert elsewhere.json()["invalid_params"][0]["name"] == "cursor"


async def test_context_walks_up_to_the_missing_parent(client: Client) -> None:
    r = await client.get("/v1/comments/4/context")
    context = msgspec.json.decode(r.content, type=CommentContext)
    assert [a.id for a in context.ancestors] == [1, 3]
    assert context.comment.id == 4
    assert context.missing_parent is not None
    assert context.missing_parent.parent_author == "Art Van Delay"
    assert context.more_ancestors is False


async def test_context_is_bounded(client: Client) -> None:
    r = await client.get("/v1/comments/16/context", params={"ancestors": 2})
    context = msgspec.json.decode(r.content, type=CommentContext)
    assert [a.id for a in context.ancestors] == [11, 15]
    assert context.more_ancestors is True
    assert context.missing_parent is None


@pytest.mark.parametrize(
    ("url", "params", "status", "field"),
    [
        (THREAD, {"depth": "11"}, 400, "depth"),
        (THREAD, {"limit": "1001"}, 400, "limit"),
        (THREAD, {"replies_per_node": "0"}, 400, "replies_per_node"),
        (THREAD, {"sort": "best"}, 400, "sort"),
        (THREAD, {"cursor": "bm9wZQ"}, 400, "cursor"),
        ("/v1/articles/999/thread", {}, 404, None),
        ("/v1/comments/999/replies", {}, 404, None),
        ("/v1/comments/999/context", {}, 404, None),
        ("/v1/comments/4/context", {"ancestors": "0"}, 400, "ancestors"),
    ],
)
async def test_thread_problems(
    client: Client, url: str, params: dict[str, str], status: int, field: str | None
) -> None:
    assert_problem(await client.get(url, params=params), status, field)


async def test_a_signed_cursor_under_a_comment_that_is_no_orphan_is_a_400(client: Client) -> None:
    # The tree is planned where the store reads it (on SQLite, the connection's thread): a
    # cursor found wrong there is still a 400 naming it, not a 500.
    top = next(c for c in comments_in((await get_thread(client, THREAD)).nodes))
    cursor = sign(
        f"thread:{SEED_ID}",
        {"sort": "oldest", "depth": 3, "limit": 200, "replies_per_node": 25, "orphan": top.id},
        [],
    )
    assert_problem(await client.get(THREAD, params={"cursor": cursor}), 400, "cursor")


@pytest.mark.parametrize("path", [THREAD, "/v1/comments/9/replies"])
async def test_a_tree_is_freed_with_its_response(client: Client, path: str) -> None:
    """Nothing of a rendered tree outlives its response in a reference cycle: were it so, each
    tree would wait for the cycle collector, and its runs would cost every request."""
    assert (await client.get(path, headers={"Cache-Control": "no-cache"})).status_code == 200
    gc.collect()
    gc.disable()
    try:
        for _ in range(5):
            response = await client.get(path, headers={"Cache-Control": "no-cache"})
            assert response.status_code == 200
        left = gc.collect()
    finally:
        gc.enable()
    # The test client leaves about 20 objects in cycles per request; a tree held in one leaves
    # its every node, comment and skeleton row too (about 100 per request on the seed page).
    assert left < 300, left


def long_thread(path: Path, comments: int) -> None:
    """An article of `comments` comments on SQLite: chains of replies, five to a chain."""
    when = datetime(2020, 1, 1, tzinfo=UTC)
    written = [
        ImportComment(
            author=f"user{i}",
            posted_at=when + timedelta(minutes=i),
            body=f"comment {i}",
            parent_author=f"user{i - 1}" if i % 5 else None,
        )
        for i in range(comments)
    ]
    conn = db.connect(path)
    store_page(conn, page_from_import(ArticleImport(title="Long", comments=written)))
    conn.close()


@pytest.mark.parametrize("sort", ["oldest", "newest"])
async def test_a_long_thread_read_in_a_thread_answers_as_on_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    """A thread longer than `LOOP_TREE_COMMENTS` is read off the event loop; the same tree
    read on the loop (the bound raised) is the same bytes."""
    comments = reads.LOOP_TREE_COMMENTS + 1
    long_thread(tmp_path / "long.db", comments)
    app = create_app(Settings(db_path=tmp_path / "long.db", secret="long", rate_limit_per_minute=0))
    url = "/v1/articles/1/thread"
    params: dict[str, str | int] = {"sort": sort, "depth": 10, "limit": 1000}
    async with AsyncTestClient(app) as client:
        fresh = {"Cache-Control": "no-cache"}
        off_loop = await client.get(url, params=params, headers=fresh)
        monkeypatch.setattr(reads, "LOOP_TREE_COMMENTS", comments)
        on_loop = await client.get(url, params=params, headers=fresh)
    assert off_loop.status_code == on_loop.status_code == 200, off_loop.text
    assert off_loop.content == on_loop.content
    thread = msgspec.json.decode(off_loop.content, type=Thread)
    assert len(comments_in(thread.nodes)) + sum(m.count for m in mores_in(thread.nodes)) == comments
