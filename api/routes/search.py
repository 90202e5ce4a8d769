"""`GET /v1/search`: full-text search over articles, comments and quotes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import aiosqlite
import msgspec
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from api.errors import invalid
from api.openapi_docs import LINK_HEADER, problem_responses
from api.pagination import FilterValue, KeyValue, cut_page, filters_as, merge_filters
from api.params import DEFAULT_LIMIT, Cursor, Limit
from api.search import (
    MARK_CLOSE,
    MARK_OPEN,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    WORD,
    QueryError,
    excerpt,
    fts_query,
)
from api.store import reads
from api.store.reads import COMMON_SHARE, RANK_WINDOW
from api.store.rows import utc
from schemas.search import (
    ArticleHit,
    CommentHit,
    QuoteHit,
    SearchHit,
    SearchOrder,
    SearchPage,
    SearchType,
)

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
TYPE_HELP = "What to search: `comment` (default), `article` or `quote`."
Order = Annotated[
    SearchOrder | None,
    QueryParameter(
        description=(
            f"`rank` (default): bm25 relevance among the newest {RANK_WINDOW:,} matches (all "
            "of them when there are fewer), ties newest first; words found in at least "
            f"{COMMON_SHARE:.0%} of documents must match but do not score, so a query of only "
            "such words lists its matches newest first with score 0. `newest`: most recently "
            "added first, over all."
        )
    ),
]
Mode = Annotated[
    Literal["words", "fts"] | None,
    QueryParameter(
        description=(
            "`words` (default): `q` is plain words, never FTS syntax. `fts`: `q` is an FTS5 "
            "query (phrases, OR, NOT, prefix*); a syntax error is a 400."
        )
    ),
]


class SearchQuery(msgspec.Struct, forbid_unknown_fields=True):
    """A search as a cursor carries it; `floor` bounds the rank window of later pages."""

    q: str | None = None
    type: SearchType = "comment"
    order: SearchOrder = "rank"
    mode: Literal["words", "fts"] = "words"
    floor: int | None = None


def _hit(kind: SearchType, score: float, row: Any) -> SearchHit:
    ex = excerpt(row[-1])
    common: dict[str, Any] = {
        "text": ex.text,
        "snippet": ex.html,
        "highlights": ex.highlights,
        "score": round(score, 6),
    }
    if kind == "article":
        return ArticleHit(article_id=row[0], title=row[1], **common)
    if kind == "comment":
        return CommentHit(
            comment_id=row[0], article_id=row[1], author=row[2], posted_at=utc(row[3]), **common
        )
    return QuoteHit(quote_id=row[0], article_id=row[1], comment_id=row[2], speaker=row[3], **common)


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
    responses=problem_responses(400),
    response_headers=[LINK_HEADER],
)
async def search(
    request: Request[Any, Any, Any],
    db: NamedDependency[aiosqlite.Connection],
    q: Query = None,
    type: Annotated[SearchType | None, QueryParameter(description=TYPE_HELP)] = None,
    order: Order = None,
    mode: Mode = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Response[SearchPage]:
    """A page of hits."""
    given: dict[str, FilterValue] = {"q": q, "type": type, "order": order, "mode": mode}
    chosen, key = merge_filters(given, cursor, "search")
    terms = filters_as(chosen, SearchQuery)
    if not terms.q:
        raise invalid("q", "is required")
    kind, sort, floor = terms.type, terms.order, terms.floor
    raw = terms.mode == "fts"
    try:
        query = fts_query(terms.q, raw=raw)
    except QueryError as exc:
        raise invalid("q", str(exc)) from exc
    try:
        found = await reads.search(
            db,
            kind,
            query,
            words=None if raw else WORD.findall(terms.q),
            order=sort,
            after=key,
            floor=floor,
            limit=limit + 1,
            marks=(MARK_OPEN, MARK_CLOSE),
        )
    except reads.SearchSyntaxError as exc:
        raise invalid("q", f"is not a valid FTS5 query ({exc})") from exc

    def key_of(hit: tuple[int, float, Any]) -> list[KeyValue]:
        return [hit[1], hit[0]] if sort == "rank" else [hit[0]]

    filters = {**chosen, "floor": found.floor} if sort == "rank" else chosen
    hits, next_cursor, headers = cut_page(request, found.hits, limit, "search", filters, key_of)
    return Response(
        SearchPage(
            items=[_hit(kind, score, row) for _, score, row in hits], next_cursor=next_cursor
        ),
        headers=headers,
    )
