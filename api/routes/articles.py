"""Articles and their sections."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from functools import lru_cache
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import PathParameter, QueryParameter

from api.http.dependencies import StoreDependency
from api.http.openapi_docs import LINK_HEADER, problem_responses
from api.http.pagination import KeyValue, Position, RowId, cut_page, key_as, merge_filters
from api.http.params import DEFAULT_LIMIT, Cursor, IncludeTotal, Limit
from api.http.problems import ResourceNotFound
from api.store.protocol import Store
from schemas import Article, ArticleInclude, ArticlePage, Section, SectionPage
from schemas.common import MAX_ID
from schemas.imports import ArticleImport

ArticlePath = Annotated[int, PathParameter(description="Article id.", ge=1, le=MAX_ID)]
Include = Annotated[
    list[ArticleInclude] | None,
    QueryParameter(
        description=(
            "Embed related data; repeat for more: `sections` (text, quotes, links), "
            "`speakers` (people quoted, with aliases)."
        ),
    ),
]


def _article_key(article: Article) -> list[KeyValue]:
    return [article.id]


def _section_key(section: Section) -> list[KeyValue]:
    return [section.position]


def _first(key: tuple[int, ...] | None) -> int | None:
    return None if key is None else key[0]


def last_modified(article: Article) -> dict[str, str]:
    """`Last-Modified` for an article and everything under it: its data changes only when it
    is ingested or replaced."""
    return {"Last-Modified": _http_date(article.updated_at or article.ingested_at)}


@lru_cache(maxsize=4096)
def _http_date(moment: datetime) -> str:
    """An HTTP date, remembered: formatting one took 4% of a comment page's time."""
    return format_datetime(moment, usegmt=True)


async def require_article(store: Store, article_id: int) -> Article:
    """The article, or a 404 problem."""
    found = await store.get_article(article_id)
    if found is None:
        raise ResourceNotFound("article", article_id)
    return found


class ArticleController(Controller):
    """`/v1/articles`: the ingested articles."""

    path = "/v1/articles"
    tags = ["articles"]

    @get(
        "/",
        operation_id="listArticles",
        summary="List articles",
        description="Articles, newest ingested first, keyset-paginated.",
        responses=problem_responses(400),
        response_headers=[LINK_HEADER],
    )
    async def list_articles(
        self,
        request: Request[Any, Any, Any],
        store: StoreDependency,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
        include_total: IncludeTotal = False,
    ) -> Response[ArticlePage]:
        """A page of articles and a `Link: rel="next"` header when there are more."""
        _, key = merge_filters(request, {}, cursor, "articles")
        before = _first(key_as(key, tuple[RowId]))
        items = await store.list_articles(before_id=before, limit=limit + 1)
        items, next_cursor, headers = cut_page(request, items, limit, "articles", {}, _article_key)
        page = ArticlePage(items=items, next_cursor=next_cursor)
        if include_total:
            page.total = await store.count_articles()
        return Response(page, headers=headers)

    @get(
        "/{article_id:int}",
        operation_id="getArticle",
        summary="Get an article",
        description="One article with its counters; `include` embeds its text or speakers.",
        responses=problem_responses(400, 404),
    )
    async def get_article(
        self,
        store: StoreDependency,
        article_id: ArticlePath,
        include: Include = None,
    ) -> Response[Article]:
        """The article, optionally with its sections."""
        article = await require_article(store, article_id)
        if include and "sections" in include:
            article.sections = await store.list_sections(
                article_id, after_position=None, limit=article.counts.sections
            )
        if include and "speakers" in include:
            article.speakers = await store.list_speakers(article_id)
        return Response(article, headers=last_modified(article))

    @get(
        "/{article_id:int}/document",
        operation_id="getArticleDocument",
        summary="Get an article as an import document",
        description=(
            "The article in the structured form that `POST /v1/articles` and `PUT` accept: "
            "edit it and send it back."
        ),
        responses=problem_responses(400, 404),
    )
    async def get_document(
        self, store: StoreDependency, article_id: ArticlePath
    ) -> Response[ArticleImport]:
        """The structured form of the article."""
        article = await require_article(store, article_id)
        document = await store.article_document(article)
        return Response(document, headers=last_modified(article))

    @get(
        "/{article_id:int}/sections",
        operation_id="listArticleSections",
        summary="List an article's sections",
        description="Sections in page order, each with its paragraphs, captions and lists.",
        responses=problem_responses(400, 404),
        response_headers=[LINK_HEADER],
    )
    async def list_sections(
        self,
        request: Request[Any, Any, Any],
        store: StoreDependency,
        article_id: ArticlePath,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[SectionPage]:
        """A page of sections."""
        article = await require_article(store, article_id)
        scope = f"sections:{article_id}"
        _, key = merge_filters(request, {}, cursor, scope)
        items = await store.list_sections(
            article_id, after_position=_first(key_as(key, tuple[Position])), limit=limit + 1
        )
        items, next_cursor, headers = cut_page(request, items, limit, scope, {}, _section_key)
        headers |= last_modified(article)
        return Response(SectionPage(items=items, next_cursor=next_cursor), headers=headers)
