"""Every cursor and href the API emits is accepted by it, on deep, wide and odd threads."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from api.app import create_app
from api.ingest.page import parse_page
from api.ingest.structured import page_from_import
from api.settings import Settings
from api.store.sqlite import connections as db
from api.store.sqlite.writes import store_page
from schemas.imports import ArticleImport, ImportComment

COMPACT = 2048  # what a cursor of these threads stays under, whatever their depth
START = datetime(2020, 1, 1, tzinfo=UTC)


def store(path: Path, specs: list[tuple[str, str | None]]) -> None:
    """An article whose comments are `(author, parent author)`, a minute apart."""
    comments = [
        ImportComment(author=a, parent_author=p, posted_at=START + timedelta(minutes=i), body=a)
        for i, (a, p) in enumerate(specs)
    ]
    conn = db.connect(path)
    store_page(conn, page_from_import(ArticleImport(title="Thread", comments=comments)))
    conn.close()


def fetch(client: TestClient[Litestar], url: str) -> Any:
    r = client.get(url)
    assert r.status_code == 200, (url[:200], r.text)
    return r.json()


def crawl_tree(client: TestClient[Litestar], start: str) -> list[int]:
    """Follow every `more` href from `start`; the comment ids seen, in order."""
    seen: list[int] = []
    queue = deque([start])
    while queue:
        page = fetch(client, queue.popleft())
        stack = list(reversed(page["nodes"]))
        while stack:
            node = stack.pop()
            if node["kind"] == "more":
                assert len(node["cursor"]) <= COMPACT
                queue.append(node["href"])
                continue
            if node["kind"] == "comment":
                seen.append(node["id"])
            stack.extend(reversed(node["replies"]))
    return seen


def crawl_list(client: TestClient[Litestar], url: str, params: dict[str, Any]) -> list[Any]:
    """Every item of a list, following `next_cursor` and the `Link` header in turn."""
    items: list[Any] = []
    r = client.get(url, params=params)
    while True:
        assert r.status_code == 200, r.text
        page = r.json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        assert len(page["next_cursor"]) <= COMPACT
        link = r.headers["link"]
        if len(items) % 2:
            r = client.get(link[1 : link.index(">")])
        else:
            r = client.get(url, params={**params, "cursor": page["next_cursor"]})


def check_every_link(
    path: Path, comments: int, sorts: tuple[str, ...] = ("oldest", "newest", "replies")
) -> None:
    with TestClient(create_app(Settings(db_path=path, rate_limit_per_minute=0))) as client:
        for bounds in ({"depth": 10}, {"depth": 1, "limit": 3, "replies_per_node": 1}):
            for sort in sorts:
                query = urlencode({**bounds, "sort": sort})
                seen = crawl_tree(client, f"/v1/articles/1/thread?{query}")
                assert sorted(seen) == list(range(1, comments + 1)), sort
        for sort in ("thread", "position", "-posted_at"):
            items = crawl_list(client, "/v1/articles/1/comments", {"sort": sort, "limit": 7})
            assert sorted(c["id"] for c in items) == list(range(1, comments + 1))
        authors = crawl_list(client, "/v1/authors", {"limit": 2})
        for author in authors:
            assert fetch(client, author["href"])["items"]


def test_a_deep_chain(tmp_path: Path) -> None:
    depth = 220
    store(tmp_path / "t.db", [(f"u{i}", f"u{i - 1}" if i else None) for i in range(depth)])
    with TestClient(create_app(Settings(db_path=tmp_path / "t.db"))) as client:
        page = client.get("/v1/articles/1/comments", params={"sort": "thread", "limit": 200})
        cursor = page.json()["next_cursor"]
        assert len(cursor) < 200
        rest = client.get("/v1/articles/1/comments", params={"cursor": cursor, "limit": 500})
        assert len(rest.json()["items"]) == depth - 200
        deep = client.get("/v1/articles/1/thread", params={"depth": 10})
        assert deep.status_code == 200
    check_every_link(tmp_path / "t.db", depth, sorts=("oldest",))


def test_more_under_a_missing_parent_with_a_long_name(tmp_path: Path) -> None:
    ghost = "Z" * 2000
    header = "{} Sun, 06/18/2017 - 19:0{} Permalink"
    replies = [
        f"{header.format(f'r{i} {ghost}', i)}\n\nreply {i}\n\nIn reply to by {ghost}\n"
        for i in range(4)
    ]
    conn = db.connect(tmp_path / "t.db")
    store_page(conn, parse_page("Ghosts\n\nText.\n\n" + "\n".join(replies)))
    conn.close()
    with TestClient(create_app(Settings(db_path=tmp_path / "t.db"))) as client:
        tree = fetch(client, "/v1/articles/1/thread?replies_per_node=1&limit=2")
        [group] = [n for n in tree["nodes"] if n["kind"] == "missing_parent"]
        assert group["parent_author"] == ghost
        more = group["replies"][-1]
        assert more["kind"] == "more"
        assert len(more["href"]) < 300
        assert fetch(client, more["href"])["nodes"][0]["parent_author"] == ghost
    check_every_link(tmp_path / "t.db", 4)


@st.composite
def threads(draw: st.DrawFn) -> list[tuple[str, str | None]]:
    """Comments replying to earlier ones (deep chains and wide fans), or to missing parents."""
    count = draw(st.integers(1, 40))
    specs: list[tuple[str, str | None]] = []
    for i in range(count):
        choice = draw(st.sampled_from(["top", "previous", "earlier", "missing"]))
        parent: str | None = None
        if specs and choice == "previous":
            parent = specs[-1][0]
        elif specs and choice == "earlier":
            parent = draw(st.sampled_from(specs))[0]
        elif choice == "missing":
            parent = draw(st.sampled_from(["ghost", "G" * 200, "AC/DC"]))
        specs.append((f"a{i}/{'x' * draw(st.integers(0, 150))}", parent))
    return specs


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=threads())
def test_every_link_of_generated_threads_is_accepted(specs: list[tuple[str, str | None]]) -> None:
    with TemporaryDirectory() as tmp:
        store(Path(tmp) / "t.db", specs)
        check_every_link(Path(tmp) / "t.db", len(specs))
