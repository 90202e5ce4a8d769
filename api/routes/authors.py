"""Commenters across articles, and each one's comments."""

from __future__ import annotations

from typing import Annotated, Any

import aiosqlite
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import PathParameter

from api.errors import ResourceNotFound
from api.openapi_docs import LINK_HEADER, problem_responses
from api.pagination import KeyValue, cut_page, int_key, merge_filters, str_key
from api.params import DEFAULT_LIMIT, Cursor, Limit
from api.store import reads
from schemas import Author, AuthorPage, Comment, CommentPage

AuthorName = Annotated[
    str,
    PathParameter(description="The author's name as on the page (URL-encoded).", min_length=1),
]


def _author_key(author: Author) -> list[KeyValue]:
    return [author.name]


def _comment_key(comment: Comment) -> list[KeyValue]:
    return [-1 if comment.posted_at is None else int(comment.posted_at.timestamp()), comment.id]


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
        db: NamedDependency[aiosqlite.Connection],
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[AuthorPage]:
        """A page of authors."""
        _, key = merge_filters({}, cursor, "authors")
        rows = await reads.list_authors(db, after_name=str_key(key), limit=limit + 1)
        items, next_cursor, headers = cut_page(request, rows, limit, "authors", {}, _author_key)
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
        db: NamedDependency[aiosqlite.Connection],
        name: AuthorName,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[CommentPage]:
        """A page of the author's comments; 404 when nobody of that name commented."""
        scope = f"author:{name}"
        _, key = merge_filters({}, cursor, scope)
        rows = await reads.list_author_comments(db, name, before=int_key(key, 2), limit=limit + 1)
        if not rows and key is None:
            raise ResourceNotFound("author", repr(name), by="name")
        items, next_cursor, headers = cut_page(request, rows, limit, scope, {}, _comment_key)
        return Response(CommentPage(items=items, next_cursor=next_cursor), headers=headers)
