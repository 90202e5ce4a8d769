"""Nested thread trees, their continuations, and a comment's ancestors."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import QueryParameter
from msgspec import Meta

from api.http.dependencies import StoreDependency
from api.http.openapi_docs import problem_responses
from api.http.pagination import (
    FilterValue,
    KeyValue,
    RowId,
    SignedInt,
    cursors,
    filters_as,
    key_as,
    merge_filters,
)
from api.http.params import MAX_CURSOR
from api.http.problems import ResourceNotFound, invalid
from api.routes.articles import ArticlePath, last_modified
from api.routes.comments import CommentPath
from api.store.protocol import Store
from api.threads.layout import (
    Layout,
    MissingParent,
    Parent,
    PlannedMore,
    Skeleton,
    SortKey,
    Tree,
    layout,
)
from api.threads.layout import ancestors as ancestor_chain
from schemas import (
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
    orphan: RowId | None = None
    """Set when continuing under a missing parent: the id of one of its orphan replies (the
    parent's name could be long; an id keeps the cursor short)."""


TREE_DEFAULTS = TreeQuery()

Depth = Annotated[
    int | None,
    QueryParameter(
        description="Levels of comments to nest, 1 to 10 (default 3).",
        ge=1,
        le=10,
        schema_extra={"default": TREE_DEFAULTS.depth},
    ),
]
NodeLimit = Annotated[
    int | None,
    QueryParameter(
        description="Most comments in the response, 1 to 1000 (default 200).",
        ge=1,
        le=1000,
        schema_extra={"default": TREE_DEFAULTS.limit},
    ),
]
RepliesPerNode = Annotated[
    int | None,
    QueryParameter(
        description="Most replies shown under one node, 1 to 500 (default 25).",
        ge=1,
        le=500,
        schema_extra={"default": TREE_DEFAULTS.replies_per_node},
    ),
]
SortParam = Annotated[
    ThreadSort | None,
    QueryParameter(
        description="Sibling order: `oldest` (default), `newest` or `replies` (most first).",
        schema_extra={"default": TREE_DEFAULTS.sort},
    ),
]
TreeCursor = Annotated[
    str | None,
    QueryParameter(
        description=(
            "`cursor` of a `more` node: continues where it stopped, with its `sort`; "
            "`depth`, `limit` and `replies_per_node` are the cursor's unless given again."
        ),
        min_length=1,
        max_length=MAX_CURSOR,
    ),
]
Ancestors = Annotated[
    int, QueryParameter(description="How many ancestors to return, 1 to 50.", ge=1, le=50)
]


def _missing_parent(tree: Tree, orphan: int | None) -> Parent:
    """The parent a thread continuation is under: the top, or the missing parent of the
    comment `orphan`; a cursor naming anything else is a 400."""
    if orphan is None:
        return None
    found = tree.by_id.get(orphan)
    if found is None or found.resolution != "missing" or found.parent_author is None:
        raise invalid("cursor", "is not a cursor issued by this API")
    return MissingParent(found.parent_author, bool(found.parent_author_verified))


class _Bounds:
    """The effective parameters of one tree request, merged with its cursor."""

    def __init__(
        self,
        request: Request[Any, Any, Any],
        given: dict[str, FilterValue],
        cursor: str | None,
        scope: str,
    ) -> None:
        # The sort is what a cursor pages through, so a request must keep it; the sizes are
        # how much of the tree to show, so each request may set its own (a generated client
        # sends their defaults with every call).
        sizes = {k: v for k, v in given.items() if k != "sort" and v is not None}
        chosen, key = merge_filters(request, {"sort": given["sort"]}, cursor, scope)
        query = filters_as({**chosen, **sizes}, TreeQuery)
        self.cursors = cursors(request)
        self.sort: ThreadSort = query.sort
        self.depth = query.depth
        self.limit = query.limit
        self.per_node = query.replies_per_node
        self.orphan = query.orphan
        self.filters: dict[str, FilterValue] = {
            "sort": query.sort,
            "depth": query.depth,
            "limit": query.limit,
            "replies_per_node": query.replies_per_node,
        }
        # An empty key starts from the beginning.
        after = key_as(key, tuple[SignedInt, SignedInt]) if key else None
        self.after: SortKey | None = (after[0], after[1]) if after else None


def _render(
    comments: dict[int, CommentNode],
    article_id: int,
    laid: Layout,
    bounds: _Bounds,
) -> list[ThreadNode]:
    """The laid-out nodes with the `comments` they show, and cursors where they stop: each
    list is made once, flat, and hung on its comment (no walk down the tree)."""
    render = _Renderer(article_id, bounds)
    groups: dict[MissingParent, list[ThreadNode]] = {}
    for place, (shown, more) in laid.replies.items():
        nodes: list[ThreadNode] = [comments[i] for i in shown]
        if more is not None:
            nodes.append(render.more(more))
        if isinstance(place, int):
            comments[place].replies = nodes
        else:
            groups[place] = nodes
    top: list[ThreadNode] = []
    for entry in laid.top:
        if isinstance(entry, int):
            top.append(comments[entry])
        elif isinstance(entry, MissingParent):
            top.append(
                MissingParentNode(
                    parent_author=entry.author,
                    parent_author_verified=entry.verified,
                    replies=groups.get(entry, []),
                )
            )
        else:
            top.append(render.more(entry))
    return top


class _Renderer:
    """Makes the `more` nodes of one response, with their cursors."""

    __slots__ = ("article_id", "bounds")

    def __init__(self, article_id: int, bounds: _Bounds) -> None:
        self.article_id = article_id
        self.bounds = bounds

    def more(self, node: PlannedMore) -> MoreNode:
        bounds = self.bounds
        parent = node.parent
        key: list[KeyValue] = [] if node.after is None else list(node.after)
        if isinstance(parent, int):
            cursor = bounds.cursors.encode(f"replies:{parent}", bounds.filters, key)
            href = f"/v1/comments/{parent}/replies?cursor={cursor}"
            return MoreNode(count=node.count, parent_id=parent, cursor=cursor, href=href)
        filters = bounds.filters
        if node.orphan is not None:
            filters = {**filters, "orphan": node.orphan}
        cursor = bounds.cursors.encode(f"thread:{self.article_id}", filters, key)
        href = f"/v1/articles/{self.article_id}/thread?cursor={cursor}"  # a cursor is URL-safe
        return MoreNode(count=node.count, parent_id=None, cursor=cursor, href=href)


def _plan(tree: Tree, parent: Parent, bounds: _Bounds) -> Layout:
    """Lay out the nodes under `parent` within `bounds` (`tree` is in `bounds.sort`'s order)."""
    return layout(
        tree,
        parent,
        depth=bounds.depth,
        limit=bounds.limit,
        replies_per_node=bounds.per_node,
        after=bounds.after,
    )


async def _subtree(
    store: Store, article_id: int, tree: Tree, parent: Parent, bounds: _Bounds
) -> list[ThreadNode]:
    """Lay out and render the nodes under `parent` within `bounds`."""
    laid = _plan(tree, parent, bounds)
    comments = await store.get_comment_nodes(laid.ids)
    return _render(comments, article_id, laid, bounds)


_TreePlan = tuple[Parent, Layout]


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
        request: Request[Any, Any, Any],
        store: StoreDependency,
        article_id: ArticlePath,
        depth: Depth = None,
        limit: NodeLimit = None,
        replies_per_node: RepliesPerNode = None,
        sort: SortParam = None,
        cursor: TreeCursor = None,
    ) -> Response[Thread]:
        """The tree of an article's comments, or a continuation of it."""
        bounds = _Bounds(
            request, _given(sort, depth, limit, replies_per_node), cursor, f"thread:{article_id}"
        )

        def plan(skeleton: list[Skeleton]) -> tuple[_TreePlan, list[int]]:
            # The tree is dropped once laid out: nothing after needs it, and the comments
            # read next need not share the collector's count with its lists and tuples.
            tree = Tree(skeleton, bounds.sort)
            parent = _missing_parent(tree, bounds.orphan)
            laid = _plan(tree, parent, bounds)
            return (parent, laid), laid.ids

        found = await store.article_tree(article_id, plan)
        if found is None:
            raise ResourceNotFound("article", article_id)
        article, (parent, laid), comments = found
        nodes = _render(comments, article_id, laid, bounds)
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
        request: Request[Any, Any, Any],
        store: StoreDependency,
        comment_id: CommentPath,
        depth: Depth = None,
        limit: NodeLimit = None,
        replies_per_node: RepliesPerNode = None,
        sort: SortParam = None,
        cursor: TreeCursor = None,
    ) -> Thread:
        """A subtree, or its continuation."""
        bounds = _Bounds(
            request, _given(sort, depth, limit, replies_per_node), cursor, f"replies:{comment_id}"
        )
        comment = await _require_comment(store, comment_id)
        tree = Tree(await store.thread_skeleton(comment.article_id), bounds.sort)
        nodes = await _subtree(store, comment.article_id, tree, comment_id, bounds)
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
        store: StoreDependency,
        comment_id: CommentPath,
        ancestors: Ancestors = 5,
    ) -> CommentContext:
        """The comment, its ancestors and, if the chain ends off the page, the missing parent."""
        comment = await _require_comment(store, comment_id)
        tree = Tree(await store.thread_skeleton(comment.article_id))
        chain, missing, more = ancestor_chain(tree, comment_id, ancestors)
        found = await store.get_comments(chain)
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


async def _require_comment(store: Store, comment_id: int) -> Comment:
    found = await store.get_comment(comment_id)
    if found is None:
        raise ResourceNotFound("comment", comment_id)
    return found
