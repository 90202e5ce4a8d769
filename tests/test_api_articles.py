"""`/v1/articles`, `/v1/articles/{id}`, `/v1/articles/{id}/sections` and `/healthz` over HTTP."""

from __future__ import annotations

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.store.postgres import schema as postgres_schema
from api.store.sqlite import connections as db
from schemas import Article, ArticlePage, Health, SectionPage
from tests.conftest import EDGE_ID, SEED_ID

Client = AsyncTestClient[Litestar]


async def test_health(client: Client, backend: str) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200
    # Each engine numbers its own migrations.
    latest = (
        db.latest_version() if backend == "sqlite" else postgres_schema.migrations()[-1].version
    )
    assert msgspec.json.decode(r.content, type=Health) == Health(
        status="ok", schema_version=latest, articles=2
    )


async def test_list_articles_newest_first(client: Client) -> None:
    r = await client.get("/v1/articles")
    assert r.status_code == 200
    page = msgspec.json.decode(r.content, type=ArticlePage)
    assert [a.id for a in page.items] == [EDGE_ID, SEED_ID]
    assert page.next_cursor is None
    assert "link" not in r.headers
    assert all(a.sections is msgspec.UNSET for a in page.items)


async def test_list_articles_paginates(client: Client) -> None:
    first = await client.get("/v1/articles", params={"limit": 1})
    page = msgspec.json.decode(first.content, type=ArticlePage)
    assert [a.id for a in page.items] == [EDGE_ID]
    assert page.next_cursor is not None
    assert first.headers["link"].endswith('>; rel="next"')
    second = await client.get("/v1/articles", params={"limit": 1, "cursor": page.next_cursor})
    rest = msgspec.json.decode(second.content, type=ArticlePage)
    assert [a.id for a in rest.items] == [SEED_ID]
    assert rest.next_cursor is None


async def test_get_article_counts(client: Client) -> None:
    r = await client.get(f"/v1/articles/{SEED_ID}")
    assert r.status_code == 200
    assert "sections" not in r.json()
    article = msgspec.json.decode(r.content, type=Article)
    assert article.title == "Putin Tells Oliver Stone About His Days As A KGB Spy"
    assert article.counts.sections == 3
    assert article.counts.captions == 3
    assert article.counts.comments == 22
    assert article.counts.top_level_comments == 5
    assert article.counts.commenters == 12
    assert article.first_comment_at is not None
    assert article.first_comment_at.isoformat() == "2017-06-18T18:45:00+00:00"
    assert r.json()["first_comment_at"] == "2017-06-18T18:45:00Z"
    assert len(article.content_hash) == 64


async def test_get_article_include_sections(client: Client) -> None:
    r = await client.get(f"/v1/articles/{SEED_ID}", params={"include": "sections"})
    article = msgspec.json.decode(r.content, type=Article)
    assert isinstance(article.sections, list)
    assert [s.position for s in article.sections] == [0, 1, 2]
    kinds = [p.kind for s in article.sections for p in s.paragraphs]
    assert kinds.count("caption") == 3
    assert len(kinds) == 35


async def test_sections_list_and_pagination(client: Client) -> None:
    whole = msgspec.json.decode(
        (await client.get(f"/v1/articles/{EDGE_ID}/sections")).content, type=SectionPage
    )
    assert [[p.kind for p in s.paragraphs] for s in whole.items] == [
        ["paragraph", "caption"],
        ["paragraph", "list"],
    ]
    assert whole.items[1].paragraphs[1].text == "- first bullet\n- second bullet"

    seen = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 1}
        if cursor:
            params["cursor"] = cursor
        page = msgspec.json.decode(
            (await client.get(f"/v1/articles/{SEED_ID}/sections", params=params)).content,
            type=SectionPage,
        )
        seen += [s.position for s in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [0, 1, 2]
