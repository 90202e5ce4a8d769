"""Lay out a bounded piece of a reply tree. Pure: works on a skeleton of the article's comments.

Breadth first, so shallow comments are shown before deep ones; `limit` caps the comments shown,
`replies_per_node` caps the replies under any one node, `depth` caps the levels. Whatever is left
out at a place becomes one `more` entry holding the keyset key to resume after.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from schemas import ThreadSort

SortKey = tuple[int, int]


class Skeleton(NamedTuple):
    """The columns of a comment that shape the tree, in the order the store reads them (a
    tuple, so msgspec decodes a whole article's skeleton from one JSON array)."""

    id: int
    parent_id: int | None
    parent_author: str | None
    parent_author_verified: bool | None
    resolution: str
    posted_at: int
    position: int
    reply_count: int


@dataclass(frozen=True, slots=True)
class MissingParent:
    """A parent named on the page but not shown: its author and verified flag."""

    author: str
    verified: bool


Parent = int | MissingParent | None  # a comment id, a missing parent, or the top of the thread


@dataclass(slots=True)
class PlannedComment:
    id: int
    replies: list[Planned] = field(default_factory=list)


@dataclass(slots=True)
class PlannedGroup:
    parent: MissingParent
    replies: list[Planned] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PlannedMore:
    count: int
    parent: Parent
    after: SortKey | None


Planned = PlannedComment | PlannedGroup | PlannedMore


def sort_key(comment: Skeleton, sort: ThreadSort) -> SortKey:
    """Ascending key in display order; positions make it unique."""
    return _KEYS[sort](comment)


class Tree:
    """Children lists of one article's comments, orphans grouped under their missing parent,
    every list in `sort`'s order: the comments are sorted once, so laying out a piece of the
    tree sorts nothing. The top level holds top-level comments and missing parents, a missing
    parent where its first orphan ranks."""

    def __init__(self, comments: Iterable[Skeleton], sort: ThreadSort = "oldest") -> None:
        self.sort: ThreadSort = sort
        self.key = _KEYS[sort]
        self.children: dict[int, list[Skeleton]] = {}
        self.orphans: dict[MissingParent, list[Skeleton]] = {}
        self.top: list[Skeleton | MissingParent] = []
        self.by_id: dict[int, Skeleton] = {}
        order, backwards = _ORDERS.get(sort, (self.key, False))
        ordered = sorted(comments, key=order, reverse=backwards)  # keys are unique: positions
        children, orphans, top, by_id = self.children, self.orphans, self.top, self.by_id
        for c in ordered:
            by_id[c.id] = c
            parent_id = c.parent_id
            if parent_id is not None:
                kids = children.get(parent_id)
                if kids is None:
                    children[parent_id] = [c]
                else:
                    kids.append(c)
            elif c.resolution == "missing" and c.parent_author is not None:
                group = MissingParent(c.parent_author, bool(c.parent_author_verified))
                found = orphans.get(group)
                if found is None:
                    orphans[group] = [c]
                    top.append(group)
                else:
                    found.append(c)
            else:
                top.append(c)

    def items(self, parent: Parent) -> Sequence[Skeleton | MissingParent]:
        """The siblings under `parent`, in the tree's order."""
        if parent is None:
            return self.top
        if isinstance(parent, MissingParent):
            return self.orphans.get(parent, ())
        return self.children.get(parent, ())

    def key_of(self, item: Skeleton | MissingParent) -> SortKey:
        """`item`'s sort key; a missing parent's is its first orphan's."""
        if isinstance(item, MissingParent):
            return self.key(self.orphans[item][0])
        return self.key(item)


_KEYS: dict[ThreadSort, Callable[[Skeleton], SortKey]] = {
    "oldest": lambda c: (c.posted_at, c.position),
    "newest": lambda c: (-c.posted_at, -c.position),
    "replies": lambda c: (-c.reply_count, c.position),
}
"""`sort_key` for each sort."""
_BY_TIME = itemgetter(Skeleton._fields.index("posted_at"), Skeleton._fields.index("position"))
_ORDERS: dict[ThreadSort, tuple[Callable[[Skeleton], SortKey], bool]] = {
    "oldest": (_BY_TIME, False),
    "newest": (_BY_TIME, True),  # keys are unique, so this is the order of `_KEYS["newest"]`
}
"""Sorts a whole tree is put in with a key made in C rather than a call of `_KEYS`'s."""


def layout(
    tree: Tree,
    parent: Parent,
    *,
    depth: int,
    limit: int,
    replies_per_node: int,
    after: SortKey | None = None,
    ids: list[int] | None = None,
) -> list[Planned]:
    """The nodes under `parent`, after the key `after`, within the bounds, in the tree's
    order; the id of each comment laid out is appended to `ids` (breadth first)."""
    items = tree.items(parent)
    if after is not None:
        items = [item for item in items if tree.key_of(item) > after]
    shown = [] if ids is None else ids
    children, orphans = tree.children, tree.orphans
    result: list[Planned] = []
    # Slots: (parent, siblings, level, out, cap): the siblings under one parent still to lay
    # out, and the list their nodes go to.
    queue: deque[tuple[Parent, Sequence[Skeleton | MissingParent], int, list[Planned], int]]
    queue = deque([(parent, items, 1, result, limit)])
    budget = limit
    while queue:
        under, siblings, level, out, cap = queue.popleft()
        taken = 0
        for item in siblings:
            if taken >= cap or budget <= 0:
                break
            taken += 1
            node: PlannedComment | PlannedGroup
            child: Parent
            kids: Sequence[Skeleton] | None
            if isinstance(item, MissingParent):
                node = PlannedGroup(item, [])
                child = item
                kids = orphans[item]
            else:
                budget -= 1
                child = item.id
                node = PlannedComment(child, [])
                shown.append(child)
                kids = children.get(child)
            out.append(node)
            if kids:
                if level < depth:
                    queue.append((child, kids, level + 1, node.replies, replies_per_node))
                else:
                    node.replies.append(PlannedMore(len(kids), child, None))
        rest = len(siblings) - taken
        if rest:
            if taken:
                resume: SortKey | None = tree.key_of(siblings[taken - 1])
            else:
                resume = after if out is result else None
            out.append(PlannedMore(rest, under, resume))
    return result


def ancestors(
    tree: Tree, comment_id: int, count: int
) -> tuple[list[int], MissingParent | None, bool]:
    """Up to `count` ancestor ids (farthest first), a missing parent ending the chain, and
    whether older ancestors were left out."""
    chain: list[int] = []
    current = tree.by_id.get(comment_id)
    while current is not None and current.parent_id is not None:
        if len(chain) == count:
            return list(reversed(chain)), None, True
        chain.append(current.parent_id)
        current = tree.by_id.get(current.parent_id)
    missing = None
    if current is not None and current.resolution == "missing" and current.parent_author:
        missing = MissingParent(current.parent_author, bool(current.parent_author_verified))
    return list(reversed(chain)), missing, False
