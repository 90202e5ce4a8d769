"""Nested thread trees, their continuations, and a comment's ancestors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

import aiosqlite
import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from msgspec import Meta

from api.errors import ResourceNotFound, invalid
from api.openapi_docs import problem_responses
from api.pagination import (
    FilterValue,
    KeyValue,
    encode_cursor,
    filters_as,
    int_key,
    merge_filters,
)
from api.routes.articles import ArticlePath, last_modified
from api.routes.comments import CommentPath
from api.store import reads
from api.thread_view import (
    MissingParent,
    Parent,
    Planned,
    PlannedComment,
    PlannedGroup,
    Skeleton,
    SortKey,
    Tree,
    layout,
    planned_ids,
)
from api.thread_view import ancestors as ancestor_chain
from schemas import (
    Article,
    Comment,
    CommentContext,
    CommentNode,
    MissingParentNode,
    MoreNode,
    Thread,
    ThreadNode,
    ThreadSort,
)


class TreeQuery(msgspec.Struct, forbid_unknown_fields=True):
    """The bounds of a tree request as a cursor carries them, with their defaults."""

    sort: ThreadSort = "oldest"
    depth: Annotated[int, Meta(ge=1, le=10)] = 3
    limit: Annotated[int, Meta(ge=1, le=1000)] = 200
    replies_per_node: Annotated[int, Meta(ge=1, le=500)] = 25
    parent: str = ""


Depth = Annotated[
    int | None,
    QueryParameter(description="Levels of comments to nest, 1 to 10 (default 3).", ge=1, le=10),
]
NodeLimit = Annotated[
    int | None,
    QueryParameter(
        description="Most comments in the response, 1 to 1000 (default 200).", ge=1, le=1000
    ),
]
RepliesPerNode = Annotated[
    int | None,
    QueryParameter(
        description="Most replies shown under one node, 1 to 500 (default 25).", ge=1, le=500
    ),
]
SortParam = Annotated[
    ThreadSort | None,
    QueryParameter(
        description="Sibling order: `oldest` (default), `newest` or `replies` (most first)."
    ),
]
TreeCursor = Annotated[
    str | None,
    QueryParameter(
        description="`cursor` of a `more` node; its bounds stay in force.",
        min_length=1,
        max_length=2048,
    ),
]
Ancestors = Annotated[
    int, QueryParameter(description="How many ancestors to return, 1 to 50.", ge=1, le=50)
]


def _parent_token(parent: Parent) -> str:
    if isinstance(parent, MissingParent):
        return f"m{int(parent.verified)}:{parent.author}"
    return "" if parent is None else f"c{parent}"


def _parse_parent(token: str) -> Parent:
    if token == "":
        return None
    if token.startswith("c") and token[1:].isdigit():
        return int(token[1:])
    if token[:1] == "m" and token[1:3] in {"0:", "1:"} and len(token) > 3:
        return MissingParent(token[3:], token[1] == "1")
    raise invalid("cursor", "is not a cursor issued by this API")


class _Bounds:
    """The effective parameters of one tree request, merged with its cursor."""

    def __init__(self, given: dict[str, FilterValue], cursor: str | None, scope: str) -> None:
        chosen, key = merge_filters(given, cursor, scope)
        query = filters_as(chosen, TreeQuery)
        self.sort: ThreadSort = query.sort
        self.depth = query.depth
        self.limit = query.limit
        self.per_node = query.replies_per_node
        self.parent_token = query.parent
        self.filters: dict[str, FilterValue] = {
            "sort": query.sort,
            "depth": query.depth,
            "limit": query.limit,
            "replies_per_node": query.replies_per_node,
        }
        after = int_key(key, 2) if key else None  # an empty key starts from the beginning
        self.after: SortKey | None = (after[0], after[1]) if after else None


def _plan(
    parent: Parent, bounds: _Bounds
) -> Callable[[list[Skeleton]], tuple[list[Planned], list[int]]]:
    """The layout of the nodes under `parent` within `bounds`, and the comment ids it shows."""

    def plan(skeleton: list[Skeleton]) -> tuple[list[Planned], list[int]]:
        planned = layout(
            Tree(skeleton),
            parent,
            sort=bounds.sort,
            depth=bounds.depth,
            limit=bounds.limit,
            replies_per_node=bounds.per_node,
            after=bounds.after,
        )
        return planned, planned_ids(planned)

    return plan


def _render(
    article_id: int, planned: list[Planned], comments: dict[int, CommentNode], bounds: _Bounds
) -> list[ThreadNode]:
    def more_href(parent: Parent, after: SortKey | None) -> tuple[str, str]:
        key: list[KeyValue] | None = list(after) if after is not None else None
        if isinstance(parent, int):
            cursor = encode_cursor(f"replies:{parent}", bounds.filters, key or [])
            path = f"/v1/comments/{parent}/replies"
        else:
            filters = {**bounds.filters, "parent": _parent_token(parent)}
            cursor = encode_cursor(f"thread:{article_id}", filters, key or [])
            path = f"/v1/articles/{article_id}/thread"
        return cursor, f"{path}?{urlencode({'cursor': cursor})}"

    def build(node: Planned) -> ThreadNode:
        if isinstance(node, PlannedComment):
            c = comments[node.id]  # each comment appears once in a layout
            c.replies = [build(r) for r in node.replies]
            return c
        if isinstance(node, PlannedGroup):
            return MissingParentNode(
                parent_author=node.parent.author,
                parent_author_verified=node.parent.verified,
                replies=[build(r) for r in node.replies],
            )
        cursor, href = more_href(node.parent, node.after)
        parent_id = node.parent if isinstance(node.parent, int) else None
        return MoreNode(count=node.count, parent_id=parent_id, cursor=cursor, href=href)

    return [build(n) for n in planned]


async def _subtree(
    db: aiosqlite.Connection, article_id: int, parent: Parent, bounds: _Bounds
) -> tuple[Article | None, list[ThreadNode]]:
    """The article (None when there is none) and the rendered nodes under `parent` within
    `bounds`, read in one hand-off."""
    article, planned, comments = await reads.article_thread(db, article_id, _plan(parent, bounds))
    if article is None or planned is None:
        return None, []
    return article, _render(article_id, planned, comments, bounds)


def _given(
    sort: ThreadSort | None, depth: int | None, limit: int | None, replies_per_node: int | None
) -> dict[str, FilterValue]:
    return {"sort": sort, "depth": depth, "limit": limit, "replies_per_node": replies_per_node}


class ThreadController(Controller):
    """Reply trees: whole threads, subtrees and ancestor chains."""

    tags = ["threads"]

    @get(
        "/v1/articles/{article_id:int}/thread",
        operation_id="getArticleThread",
        summary="Get an article's reply tree",
        description=(
            "A bounded nested tree. Nodes are `comment` (with `replies`), `more` (what the "
            "bounds left out, with a cursor and `href` to continue) and `missing_parent` "
            "(a parent the page does not show, holding its orphan replies)."
        ),
        responses=problem_responses(400, 404),
    )
    async def get_thread(
        self,
        db: NamedDependency[aiosqlite.Connection],
        article_id: ArticlePath,
        depth: Depth = None,
        limit: NodeLimit = None,
        replies_per_node: RepliesPerNode = None,
        sort: SortParam = None,
        cursor: TreeCursor = None,
    ) -> Response[Thread]:
        """The tree of an article's comments, or a continuation of it."""
        bounds = _Bounds(
            _given(sort, depth, limit, replies_per_node), cursor, f"thread:{article_id}"
        )
        parent = _parse_parent(bounds.parent_token)
        article, nodes = await _subtree(db, article_id, parent, bounds)
        if article is None:
            raise ResourceNotFound("article", article_id)
        if isinstance(parent, MissingParent):
            nodes = [
                MissingParentNode(
                    parent_author=parent.author,
                    parent_author_verified=parent.verified,
                    replies=nodes,
                )
            ]
        return Response(
            Thread(article_id=article_id, parent_id=None, sort=bounds.sort, nodes=nodes),
            headers=last_modified(article),
        )

    @get(
        "/v1/comments/{comment_id:int}/replies",
        operation_id="listCommentReplies",
        summary="Get a comment's replies as a tree",
        description="The replies under one comment, nested with the same bounds as the thread.",
        responses=problem_responses(400, 404),
    )
    async def list_replies(
        self,
        db: NamedDependency[aiosqlite.Connection],
        comment_id: CommentPath,
        depth: Depth = None,
        limit: NodeLimit = None,
        replies_per_node: RepliesPerNode = None,
        sort: SortParam = None,
        cursor: TreeCursor = None,
    ) -> Thread:
        """A subtree, or its continuation."""
        bounds = _Bounds(
            _given(sort, depth, limit, replies_per_node), cursor, f"replies:{comment_id}"
        )
        comment = await _require_comment(db, comment_id)
        _, nodes = await _subtree(db, comment.article_id, comment_id, bounds)
        return Thread(
            article_id=comment.article_id, parent_id=comment_id, sort=bounds.sort, nodes=nodes
        )

    @get(
        "/v1/comments/{comment_id:int}/context",
        operation_id="getCommentContext",
        summary="Get a comment with its ancestors",
        description="The comment and the chain of comments it replies to, farthest first.",
        responses=problem_responses(400, 404),
    )
    async def get_context(
        self,
        db: NamedDependency[aiosqlite.Connection],
        comment_id: CommentPath,
        ancestors: Ancestors = 5,
    ) -> CommentContext:
        """The comment, its ancestors and, if the chain ends off the page, the missing parent."""
        comment = await _require_comment(db, comment_id)
        tree = Tree(await reads.thread_skeleton(db, comment.article_id))
        chain, missing, more = ancestor_chain(tree, comment_id, ancestors)
        found = await reads.get_comments(db, chain)
        return CommentContext(
            comment=comment,
            ancestors=[found[i] for i in chain],
            missing_parent=None
            if missing is None
            else MissingParentNode(
                parent_author=missing.author, parent_author_verified=missing.verified, replies=[]
            ),
            more_ancestors=more,
        )


async def _require_comment(db: aiosqlite.Connection, comment_id: int) -> Comment:
    found = await reads.get_comment(db, comment_id)
    if found is None:
        raise ResourceNotFound("comment", comment_id)
    return found
