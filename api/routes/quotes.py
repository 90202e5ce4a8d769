"""Quotes across articles or within one, and the people quoted."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import QueryParameter

from api.http.dependencies import StoreDependency
from api.http.openapi_docs import LINK_HEADER, problem_responses
from api.http.pagination import (
    FilterValue,
    KeyValue,
    RowId,
    anchored_page,
    cut_page,
    filters_as,
    key_as,
    merge_filters,
)
from api.http.params import DEFAULT_LIMIT, Cursor, Limit
from api.http.problems import invalid
from api.routes.articles import ArticlePath, require_article
from api.store.protocol import QuoteFilter, Store
from schemas import QuoteItem, QuoteKind, QuotePage, SpeakerPage
from schemas.common import MAX_ID

SpeakerName = Annotated[
    str | None,
    QueryParameter(
        description="Only quotes attributed to this person (full name or any alias).",
        min_length=1,
        max_length=200,
    ),
]
InComments = Annotated[
    bool | None,
    QueryParameter(description="`true`: only quotes in comments; `false`: only article text."),
]
Kind = Annotated[
    QuoteKind | None,
    QueryParameter(description="Only `speech`, `title` or `scare` quotes (default: all)."),
]
ArticleFilter = Annotated[
    int | None, QueryParameter(description="Only quotes from this article.", ge=1, le=MAX_ID)
]


def _quote_key(quote: QuoteItem) -> list[KeyValue]:
    return [quote.id]


async def _quote_page(
    request: Request[Any, Any, Any],
    store: Store,
    scope: str,
    given: dict[str, FilterValue],
    limit: int,
    cursor: str | None,
) -> Response[QuotePage]:
    chosen, key = merge_filters(request, given, cursor, scope)
    after = key_as(key, tuple[RowId])
    filters = filters_as(chosen, QuoteFilter)
    rows = await store.list_quotes(
        filters=filters, after_id=None if after is None else after[0], limit=limit + 1
    )
    items, next_cursor, headers = cut_page(request, rows, limit, scope, chosen, _quote_key)
    return Response(QuotePage(items=items, next_cursor=next_cursor), headers=headers)


class QuoteController(Controller):
    """Quotes and speakers."""

    tags = ["quotes"]

    @get(
        "/v1/quotes",
        operation_id="listQuotes",
        summary="List quotes",
        description="Quotes from every article and comment, in ingest order, keyset-paginated.",
        responses=problem_responses(400),
        response_headers=[LINK_HEADER],
    )
    async def list_quotes(
        self,
        request: Request[Any, Any, Any],
        store: StoreDependency,
        speaker: SpeakerName = None,
        article_id: ArticleFilter = None,
        in_comments: InComments = None,
        kind: Kind = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[QuotePage]:
        """A page of quotes."""
        given: dict[str, FilterValue] = {
            "speaker": speaker,
            "article_id": article_id,
            "in_comments": in_comments,
            "kind": kind,
        }
        return await _quote_page(request, store, "quotes", given, limit, cursor)

    @get(
        "/v1/articles/{article_id:int}/quotes",
        operation_id="listArticleQuotes",
        summary="List an article's quotes",
        description="Quotes in one article's text and comments, in page order.",
        responses=problem_responses(400, 404),
        response_headers=[LINK_HEADER],
    )
    async def list_article_quotes(
        self,
        request: Request[Any, Any, Any],
        store: StoreDependency,
        article_id: ArticlePath,
        speaker: SpeakerName = None,
        in_comments: InComments = None,
        kind: Kind = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[QuotePage]:
        """A page of one article's quotes."""
        await require_article(store, article_id)
        given: dict[str, FilterValue] = {
            "speaker": speaker,
            "article_id": article_id,
            "in_comments": in_comments,
            "kind": kind,
        }
        return await _quote_page(request, store, f"quotes:{article_id}", given, limit, cursor)

    @get(
        "/v1/speakers",
        operation_id="listSpeakers",
        summary="List speakers",
        description="People quoted in any article, by name, with aliases and counts.",
        responses=problem_responses(400),
        response_headers=[LINK_HEADER],
    )
    async def list_speakers(
        self,
        request: Request[Any, Any, Any],
        store: StoreDependency,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[SpeakerPage]:
        """A page of speakers."""
        _, key = merge_filters(request, {}, cursor, "speakers")
        after = key_as(key, tuple[RowId])
        try:
            found = await store.list_speaker_summaries(
                after_anchor=None if after is None else after[0], limit=limit + 1
            )
        except LookupError as exc:
            raise invalid("cursor", "points at an article since deleted; start again") from exc
        items, next_cursor, headers = anchored_page(request, found, limit, "speakers")
        return Response(SpeakerPage(items=items, next_cursor=next_cursor), headers=headers)
