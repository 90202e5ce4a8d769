"""`GET /v1/search`: full-text search over articles, comments and quotes."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get
from litestar.params import QueryParameter
from msgspec import Meta

from api.http.dependencies import StoreDependency
from api.http.openapi_docs import LINK_HEADER, problem_responses
from api.http.pagination import (
    FilterValue,
    KeyValue,
    RowId,
    Score,
    cut_page,
    filters_as,
    key_as,
    merge_filters,
)
from api.http.params import DEFAULT_LIMIT, Cursor, Limit
from api.http.problems import invalid
from api.store.fts import (
    MAX_OR,
    MAX_PREFIXES,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    MIN_PREFIX_CHARS,
    WORD,
    Marks,
    QueryError,
    excerpt,
    fts_query,
    new_marks,
)
from api.store.protocol import FTS_COLUMNS, RANK_WINDOW, SearchSyntaxError
from api.store.rows import utc
from api.store.sqlite.reads import COMMON_SHARE
from schemas.search import (
    ArticleHit,
    CommentHit,
    QuoteHit,
    SearchHit,
    SearchMode,
    SearchOrder,
    SearchPage,
    SearchType,
)


class SearchQuery(msgspec.Struct, forbid_unknown_fields=True):
    """A search as a cursor carries it; `floor` bounds the rank window of later pages."""

    q: Annotated[str, Meta(max_length=MAX_QUERY_CHARS)] | None = None
    type: SearchType = "comment"
    order: SearchOrder = "rank"
    mode: SearchMode = "words"
    floor: RowId | None = None


SEARCH_DEFAULTS = SearchQuery()

Query = Annotated[
    str | None,
    QueryParameter(
        description=(
            f"Words to find, at most {MAX_QUERY_CHARS} characters and {MAX_TERMS} words; all "
            "must match (stemmed, accents ignored). Required unless `cursor` is given."
        ),
        min_length=1,
        max_length=MAX_QUERY_CHARS,
    ),
]
SearchKind = Annotated[
    SearchType | None,
    QueryParameter(
        description="What to search: `comment` (default), `article` or `quote`.",
        schema_extra={"default": SEARCH_DEFAULTS.type},
    ),
]
Order = Annotated[
    SearchOrder | None,
    QueryParameter(
        description=(
            f"`rank` (default): bm25 relevance among the newest {RANK_WINDOW:,} matches (all "
            "of them when there are fewer), ties newest first; words found in at least "
            f"{COMMON_SHARE:.0%} of documents must match but do not score, so a query of only "
            "such words lists its matches newest first with score 0. `newest`: most recently "
            "added first, over all."
        ),
        schema_extra={"default": SEARCH_DEFAULTS.order},
    ),
]
Mode = Annotated[
    SearchMode | None,
    QueryParameter(
        description=(
            "`words` (default): `q` is plain words, never FTS syntax. `fts`: `q` is an FTS5 "
            "query (phrases, OR, NOT, prefix*); a syntax error is a 400, and so is a query over "
            f"the cost caps: {MAX_TERMS} terms, {MAX_OR} ORs, {MAX_PREFIXES} prefix terms of at "
            f"least {MIN_PREFIX_CHARS} characters. A search running past its deadline "
            "(2 s by default) is stopped: 503 with Retry-After."
        ),
        schema_extra={"default": SEARCH_DEFAULTS.mode},
    ),
]


KEY_SHAPE: dict[SearchOrder, Any] = {"rank": tuple[Score, RowId], "newest": tuple[RowId]}


def _hit(kind: SearchType, score: float, row: Any, marks: Marks) -> SearchHit:
    ex = excerpt(row[-1], marks)
    score = round(score, 6)
    if kind == "comment":
        return CommentHit(
            comment_id=row[0],
            article_id=row[1],
            author=row[2],
            posted_at=None if row[3] is None else utc(row[3]),
            text=ex.text,
            snippet=ex.html,
            highlights=ex.highlights,
            score=score,
        )
    if kind == "article":
        return ArticleHit(
            article_id=row[0],
            title=row[1],
            text=ex.text,
            snippet=ex.html,
            highlights=ex.highlights,
            score=score,
        )
    return QuoteHit(
        quote_id=row[0],
        article_id=row[1],
        comment_id=row[2],
        speaker=row[3],
        text=ex.text,
        snippet=ex.html,
        highlights=ex.highlights,
        score=score,
    )


@get(
    "/v1/search",
    operation_id="search",
    summary="Search articles, comments or quotes",
    description=(
        "SQLite FTS5 full-text search, ranked by bm25 or newest first, keyset-paginated. Each hit "
        "has an excerpt as plain `text`, as HTML `snippet` with `<mark>`, and as `highlights` "
        "offsets into `text`."
    ),
    tags=["search"],
    responses=problem_responses(400, 503),
    response_headers=[LINK_HEADER],
)
async def search(
    request: Request[Any, Any, Any],
    store: StoreDependency,
    q: Query = None,
    type: SearchKind = None,
    order: Order = None,
    mode: Mode = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Response[SearchPage]:
    """A page of hits."""
    given: dict[str, FilterValue] = {"q": q, "type": type, "order": order, "mode": mode}
    chosen, key = merge_filters(request, given, cursor, "search")
    terms = filters_as(chosen, SearchQuery)
    shaped = key_as(key, KEY_SHAPE[terms.order])
    if not terms.q:
        raise invalid("q", "is required")
    kind, sort, floor = terms.type, terms.order, terms.floor
    raw = terms.mode == "fts"
    try:
        query = fts_query(terms.q, raw=raw)
    except QueryError as exc:
        raise invalid("q", str(exc)) from exc
    try:
        found = await store.search(
            kind,
            query,
            words=None if raw else WORD.findall(terms.q),
            order=sort,
            after=None if shaped is None else list(shaped),
            floor=floor,
            limit=limit + 1,
            new_marks=new_marks,
        )
    except SearchSyntaxError as exc:
        columns = ", ".join(FTS_COLUMNS[kind])
        raise invalid(
            "q", f"is not a valid FTS5 query ({exc}); columns of type={kind}: {columns}"
        ) from exc

    def key_of(hit: tuple[int, float, Any]) -> list[KeyValue]:
        return [hit[1], hit[0]] if sort == "rank" else [hit[0]]

    filters = {**chosen, "floor": found.floor} if sort == "rank" else chosen
    hits, next_cursor, headers = cut_page(request, found.hits, limit, "search", filters, key_of)
    return Response(
        SearchPage(
            items=[_hit(kind, score, row, found.marks) for _, score, row in hits],
            next_cursor=next_cursor,
        ),
        headers=headers,
    )
