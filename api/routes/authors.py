"""Commenters across articles, and each one's comments."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import unquote_to_bytes

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter

from api.http.dependencies import StoreDependency
from api.http.openapi_docs import LINK_HEADER, problem_responses
from api.http.pagination import (
    Epoch,
    KeyValue,
    RowId,
    anchored_page,
    cut_page,
    key_as,
    merge_filters,
    scope_for,
)
from api.http.params import DEFAULT_LIMIT, Cursor, Limit
from api.http.problems import ResourceNotFound, invalid
from api.store.protocol import Store
from schemas import AuthorPage, Comment, CommentPage

AuthorName = Annotated[
    str,
    PathParameter(description="The author's name as on the page (URL-encoded).", min_length=1),
]


def _comment_key(comment: Comment) -> list[KeyValue]:
    return [-1 if comment.posted_at is None else int(comment.posted_at.timestamp()), comment.id]


PREFIX, SUFFIX = b"/v1/authors/", b"/comments"


class AuthorController(Controller):
    """`/v1/authors`: people who comment."""

    path = "/v1/authors"
    tags = ["authors"]

    @get(
        "/",
        operation_id="listAuthors",
        summary="List comment authors",
        description="Everyone who commented, by name, with counts and first/last seen.",
        responses=problem_responses(400),
        response_headers=[LINK_HEADER],
    )
    async def list_authors(
        self,
        request: Request[Any, Any, Any],
        store: StoreDependency,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[AuthorPage]:
        """A page of authors."""
        _, key = merge_filters(request, {}, cursor, "authors")
        after = key_as(key, tuple[RowId])
        try:
            found = await store.list_authors(
                after_anchor=None if after is None else after[0], limit=limit + 1
            )
        except LookupError as exc:
            raise invalid("cursor", "points at comments since deleted; start again") from exc
        items, next_cursor, headers = anchored_page(request, found, limit, "authors")
        return Response(AuthorPage(items=items, next_cursor=next_cursor), headers=headers)

    @get(
        "/{name:str}/comments",
        operation_id="listAuthorComments",
        summary="List an author's comments",
        description="One author's comments across every article, newest first.",
        responses=problem_responses(400, 404),
        response_headers=[LINK_HEADER],
    )
    async def list_author_comments(
        self,
        request: Request[Any, Any, Any],
        store: StoreDependency,
        name: AuthorName,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[CommentPage]:
        """A page of the author's comments; 404 when nobody of that name commented."""
        return await _author_comments(request, store, _raw_name(request) or name, limit, cursor)

    @get("/{steps:path}", include_in_schema=False)
    async def list_author_comments_slashed(
        self,
        request: Request[Any, Any, Any],
        store: StoreDependency,
        steps: Annotated[str, PathParameter(description="The rest of the path.")],
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[CommentPage]:
        """`listAuthorComments` for names holding `/`, which the router sees decoded."""
        name = _raw_name(request)
        if name is None:
            raise NotFoundException()
        return await _author_comments(request, store, name, limit, cursor)


def _raw_name(request: Request[Any, Any, Any]) -> str | None:
    """The name exactly as the client encoded it: the raw path between `/v1/authors/` and the
    final `/comments`, decoded once. The routed value has had `%2F` turned into a path step
    (and `//` collapsed) before any handler sees it. Some servers leave the query string in
    `raw_path`; it is cut off."""
    raw: bytes = (request.scope.get("raw_path") or b"").partition(b"?")[0]
    if raw.startswith(PREFIX) and raw.endswith(SUFFIX) and len(raw) > len(PREFIX + SUFFIX):
        return unquote_to_bytes(raw[len(PREFIX) : -len(SUFFIX)]).decode("utf-8", "replace")
    return None


async def _author_comments(
    request: Request[Any, Any, Any],
    store: Store,
    name: str,
    limit: int,
    cursor: str | None,
) -> Response[CommentPage]:
    scope = scope_for("author", name)
    _, key = merge_filters(request, {}, cursor, scope)
    before = key_as(key, tuple[Epoch, RowId])
    rows = await store.list_author_comments(
        name, before=None if before is None else list(before), limit=limit + 1
    )
    if not rows and key is None:
        raise ResourceNotFound("author", repr(name), by="name")
    items, next_cursor, headers = cut_page(request, rows, limit, scope, {}, _comment_key)
    return Response(CommentPage(items=items, next_cursor=next_cursor), headers=headers)
