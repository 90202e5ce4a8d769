"""Crawl history: an article's crawls, its earlier texts, a comment's earlier bodies."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get

from api.http.dependencies import StoreDependency
from api.http.openapi_docs import LINK_HEADER, problem_responses
from api.http.pagination import Epoch, KeyValue, RowId, cut_page, key_as, merge_filters
from api.http.params import DEFAULT_LIMIT, Cursor, Limit
from api.http.problems import ResourceNotFound
from api.routes.articles import ArticlePath, last_modified, require_article
from api.routes.comments import CommentPath
from schemas import ArticleRevisions, CommentRevisions, Crawl, CrawlPage


def _crawl_key(crawl: Crawl) -> list[KeyValue]:
    return [int(crawl.crawled_at.timestamp()), crawl.id]


class CrawlController(Controller):
    """Every ingest of a page, and the texts it replaced."""

    tags = ["crawls"]

    @get(
        "/v1/articles/{article_id:int}/crawls",
        operation_id="listArticleCrawls",
        summary="List an article's crawls",
        description=(
            "Every ingest of the article's page, oldest `crawled_at` first, with what each "
            "changed: comments added, edited and removed."
        ),
        responses=problem_responses(400, 404),
        response_headers=[LINK_HEADER],
    )
    async def list_crawls(
        self,
        request: Request[Any, Any, Any],
        store: StoreDependency,
        article_id: ArticlePath,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[CrawlPage]:
        """A page of crawls."""
        article = await require_article(store, article_id)
        scope = f"crawls:{article_id}"
        _, key = merge_filters(request, {}, cursor, scope)
        shaped = key_as(key, tuple[Epoch, RowId])
        items = await store.list_crawls(
            article_id, after=None if shaped is None else list(shaped), limit=limit + 1
        )
        items, next_cursor, headers = cut_page(request, items, limit, scope, {}, _crawl_key)
        headers |= last_modified(article)
        return Response(CrawlPage(items=items, next_cursor=next_cursor), headers=headers)

    @get(
        "/v1/articles/{article_id:int}/revisions",
        operation_id="listArticleRevisions",
        summary="List an article's earlier texts",
        description="Texts the article had in earlier crawls, oldest first; not the current one.",
        responses=problem_responses(400, 404),
    )
    async def article_revisions(
        self, store: StoreDependency, article_id: ArticlePath
    ) -> Response[ArticleRevisions]:
        """The earlier texts."""
        article = await require_article(store, article_id)
        items = await store.article_revisions(article_id)
        return Response(
            ArticleRevisions(article_id=article_id, items=items), headers=last_modified(article)
        )

    @get(
        "/v1/comments/{comment_id:int}/revisions",
        operation_id="listCommentRevisions",
        summary="List a comment's earlier bodies",
        description=(
            "The comment's current body and the bodies earlier crawls showed, oldest first, "
            "each with the first and last crawl that showed it."
        ),
        responses=problem_responses(400, 404),
    )
    async def comment_revisions(
        self, store: StoreDependency, comment_id: CommentPath
    ) -> CommentRevisions:
        """The revisions, or a 404 problem."""
        found = await store.comment_revisions(comment_id)
        if found is None:
            raise ResourceNotFound("comment", comment_id)
        return found
