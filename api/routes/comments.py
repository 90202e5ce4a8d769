"""Comments: per article (filtered, sorted, paginated) and by id."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

from api.http.dependencies import StoreDependency
from api.http.openapi_docs import LINK_HEADER, problem_responses
from api.http.pagination import (
    Epoch,
    FilterValue,
    KeyValue,
    Position,
    RowId,
    cut_page,
    filters_as,
    key_as,
    merge_filters,
)
from api.http.params import DEFAULT_LIMIT, Cursor, IncludeTotal, Limit, rfc3339
from api.http.problems import ResourceNotFound, invalid
from api.routes.articles import ArticlePath, last_modified
from api.store.protocol import CommentFilter
from schemas import Comment, CommentPage, CommentSort
from schemas.common import MAX_ID

CommentPath = Annotated[int, PathParameter(description="Comment id.", ge=1, le=MAX_ID)]
Author = Annotated[
    str | None,
    QueryParameter(
        description="Only comments by this author (exact name).", min_length=1, max_length=200
    ),
]
Verified = Annotated[
    bool | None, QueryParameter(description="Only verified (`true`) or not verified authors.")
]
ParentId = Annotated[
    int | None, QueryParameter(description="Only direct replies to this comment.", ge=1, le=MAX_ID)
]
TopLevel = Annotated[
    bool | None,
    QueryParameter(description="`true`: only top-level comments; `false`: only replies."),
]
Since = Annotated[
    str | None,
    QueryParameter(
        description="Only comments posted at or after this RFC 3339 time.", format="date-time"
    ),
]
Until = Annotated[
    str | None,
    QueryParameter(
        description="Only comments posted before this RFC 3339 time.", format="date-time"
    ),
]
SeenSince = Annotated[
    str | None,
    QueryParameter(
        description=(
            "Only comments first seen by a crawl at or after this RFC 3339 time: what is new "
            "since a client's last visit."
        ),
        format="date-time",
    ),
]
Removed = Annotated[
    bool | None,
    QueryParameter(
        description=(
            "`false`: hide comments gone from the newest crawl; `true`: only those. Default: both."
        )
    ),
]
Sort = Annotated[
    CommentSort | None,
    QueryParameter(
        description=(
            "`position` (page order, default) or `posted_at`, `-` to reverse; or `thread`: "
            "depth first, oldest first among siblings, orphans as roots (use `depth` and "
            "`parent_id` of each row to indent)."
        ),
        schema_extra={"default": "position"},
    ),
]


class CommentQuery(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """The filters and sort of a comment list, as a cursor carries them."""

    author: Annotated[str, Meta(min_length=1, max_length=200)] | None = None
    verified: bool | None = None
    parent_id: RowId | None = None
    top_level: bool | None = None
    since: Epoch | None = None
    until: Epoch | None = None
    seen_since: Epoch | None = None
    removed: bool | None = None
    sort: CommentSort | None = None


KEY_SHAPE: dict[CommentSort, Any] = {
    "position": tuple[Position],
    "-position": tuple[Position],
    "posted_at": tuple[Epoch, Position],
    "-posted_at": tuple[Epoch, Position],
    "thread": tuple[Position],
}


class CommentController(Controller):
    """Comment lists and single comments."""

    tags = ["comments"]

    @get(
        "/v1/articles/{article_id:int}/comments",
        operation_id="listArticleComments",
        summary="List an article's comments",
        description=(
            "Comments of one article, filtered and sorted, keyset-paginated. With a `cursor`, "
            "the filters of the first request stay in force."
        ),
        responses=problem_responses(400, 404),
        response_headers=[LINK_HEADER],
    )
    async def list_comments(
        self,
        request: Request[Any, Any, Any],
        store: StoreDependency,
        article_id: ArticlePath,
        author: Author = None,
        verified: Verified = None,
        parent_id: ParentId = None,
        top_level: TopLevel = None,
        since: Since = None,
        until: Until = None,
        seen_since: SeenSince = None,
        removed: Removed = None,
        sort: Sort = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
        include_total: IncludeTotal = False,
    ) -> Response[CommentPage]:
        """A page of comments and a `Link: rel="next"` header when there are more."""
        given: dict[str, FilterValue] = msgspec.to_builtins(
            CommentQuery(
                author=author,
                verified=verified,
                parent_id=parent_id,
                top_level=top_level,
                since=rfc3339("since", since),
                until=rfc3339("until", until),
                seen_since=rfc3339("seen_since", seen_since),
                removed=removed,
                sort=sort,
            )
        )
        scope = f"comments:{article_id}"
        chosen, key = merge_filters(request, given, cursor, scope)
        query = filters_as(chosen, CommentQuery)
        if query.since is not None and query.until is not None and query.until <= query.since:
            raise invalid("until", "must be later than since")
        order: CommentSort = query.sort or "position"
        shaped = key_as(key, KEY_SHAPE[order])
        after = None if shaped is None else list(shaped)

        filters = CommentFilter(
            author=query.author,
            verified=query.verified,
            parent_id=query.parent_id,
            top_level=query.top_level,
            since=query.since,
            until=query.until,
            seen_since=query.seen_since,
            removed=query.removed,
        )
        article, rows = await store.article_comments(
            article_id,
            filters=filters,
            sort=order,
            after=after,
            limit=limit + 1,
        )
        if article is None:
            raise ResourceNotFound("article", article_id)

        def key_of(comment: Comment) -> list[KeyValue]:
            if order in ("posted_at", "-posted_at"):
                when = comment.posted_at
                return [-1 if when is None else int(when.timestamp()), comment.position]
            return [comment.position]

        items, next_cursor, headers = cut_page(request, rows, limit, scope, chosen, key_of)
        headers |= last_modified(article)
        page = CommentPage(items=items, next_cursor=next_cursor)
        if include_total:
            page.total = await store.count_comments(article_id, filters, article.counts.comments)
        return Response(page, headers=headers)

    @get(
        "/v1/comments/{comment_id:int}",
        operation_id="getComment",
        summary="Get a comment",
        description="One comment with its place in the reply tree.",
        responses=problem_responses(400, 404),
    )
    async def get_comment(self, store: StoreDependency, comment_id: CommentPath) -> Comment:
        """The comment, or a 404 problem."""
        found = await store.get_comment(comment_id)
        if found is None:
            raise ResourceNotFound("comment", comment_id)
        return found
