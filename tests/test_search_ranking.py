"""Search ranking against a small judged set: the comments a reader would want first come
first, including when some query words are so common that they do not score."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.ingest.structured import page_from_import
from api.settings import Settings
from api.store.sqlite import connections as db
from api.store.sqlite.reads import PROBE
from api.store.sqlite.writes import store_page
from schemas.imports import ArticleImport, ImportComment, ImportParagraph, ImportSection
from schemas.search import CommentHit, SearchPage

Client = AsyncTestClient[Litestar]
START = datetime(2020, 1, 1, tzinfo=UTC)

# Judged comments (by key), then filler. "people" is in every comment: a very common word.
JUDGED = {
    "zebra-short": "People saw a zebra, a zebra with stripes.",
    "zebra-long": (
        "People talk about many things at the market, the weather, the trains, the prices of "
        "bread and the long summer, and once somebody mentioned a zebra in passing."
    ),
    "stripes-only": "People like stripes on shirts.",
    "quartz": "People mine quartz; quartz crystals, quartz clocks and quartz sand.",
    "quartz-zebra": "People carved a quartz zebra.",
}
FILLER = [
    "People walk to work every morning.",
    "People read the news over coffee.",
    "People argue about football and weather.",
    "People wait for the late train again.",
]


def body_of(index: int) -> str:
    return FILLER[index % len(FILLER)]


@pytest.fixture(scope="module")
def judged_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("ranking") / "ranking.db"
    bodies = [body_of(i) for i in range(PROBE * 2)] + list(JUDGED.values())
    document = ArticleImport(
        title="Judged",
        sections=[ImportSection(paragraphs=[ImportParagraph(text="An article.")])],
        comments=[
            ImportComment(author=f"reader{i % 7}", posted_at=START + timedelta(minutes=i), body=b)
            for i, b in enumerate(bodies)
        ],
    )
    conn = db.connect(path)
    try:
        store_page(conn, page_from_import(document))
        ids = {
            key: conn.execute("SELECT id FROM comments WHERE body = ?", (text,)).fetchone()[0]
            for key, text in JUDGED.items()
        }
    finally:
        conn.close()
    return path, ids


@pytest.fixture
async def client(judged_db: tuple[Path, dict[str, int]]) -> AsyncIterator[Client]:
    async with AsyncTestClient(create_app(Settings(db_path=judged_db[0]))) as c:
        yield c


async def hits(client: Client, q: str) -> list[CommentHit]:
    r = await client.get("/v1/search", params={"q": q, "limit": 50})
    assert r.status_code == 200, r.text
    found = msgspec.json.decode(r.content, type=SearchPage).items
    assert all(isinstance(h, CommentHit) for h in found)
    return [h for h in found if isinstance(h, CommentHit)]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("zebra", ["zebra-short", "quartz-zebra", "zebra-long"]),
        ("people zebra", ["zebra-short", "quartz-zebra", "zebra-long"]),
        ("quartz", ["quartz", "quartz-zebra"]),
        ("people quartz", ["quartz", "quartz-zebra"]),
        ("zebra stripes", ["zebra-short"]),
        ("people stripes", ["stripes-only", "zebra-short"]),
    ],
)
async def test_judged_queries_rank_the_best_match_first(
    client: Client, judged_db: tuple[Path, dict[str, int]], q: str, expected: list[str]
) -> None:
    ids = judged_db[1]
    found = await hits(client, q)
    assert [h.comment_id for h in found] == [ids[key] for key in expected]
    scores = [h.score for h in found]
    assert scores == sorted(scores)
    assert scores[0] < 0  # a rarer word scored these


async def test_a_very_common_word_alone_lists_newest_first(client: Client) -> None:
    found = await hits(client, "people")
    assert len(found) == 50
    assert {h.score for h in found} == {0.0}
    ids = [h.comment_id for h in found]
    assert ids == sorted(ids, reverse=True)
    # Its pages continue newest first.
    first = await client.get("/v1/search", params={"q": "people", "limit": 10})
    cursor = first.json()["next_cursor"]
    second = await client.get("/v1/search", params={"cursor": cursor, "limit": 10})
    assert [h["comment_id"] for h in first.json()["items"] + second.json()["items"]] == ids[:20]


def article_of(bodies: list[str], title: str) -> ArticleImport:
    return ArticleImport(
        title=title,
        sections=[ImportSection(paragraphs=[ImportParagraph(text=f"{title}.")])],
        comments=[
            ImportComment(author=f"reader{i % 7}", posted_at=START + timedelta(minutes=i), body=b)
            for i, b in enumerate(bodies)
        ],
    )


async def test_a_word_grown_very_common_stops_scoring_on_the_next_search(tmp_path: Path) -> None:
    # Which words are very common is remembered between searches, for one data generation:
    # a write that makes a word very common is seen by the next search.
    path = tmp_path / "growing.db"
    conn = db.connect(path)
    try:
        store_page(conn, page_from_import(article_of([body_of(i) for i in range(PROBE * 2)], "A")))
        store_page(conn, page_from_import(article_of([JUDGED["zebra-short"]], "B")))
    finally:
        conn.close()
    async with AsyncTestClient(create_app(Settings(db_path=path))) as client:
        assert {h.score < 0 for h in await hits(client, "zebra")} == {True}
        conn = db.connect(path)
        try:
            zebras = [f"A zebra, number {i}." for i in range(PROBE * 2)]
            store_page(conn, page_from_import(article_of(zebras, "C")))
        finally:
            conn.close()
        assert {h.score for h in await hits(client, "zebra")} == {0.0}
