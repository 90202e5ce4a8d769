"""Lay out a bounded piece of a reply tree. Pure: works on a skeleton of the article's comments.

Breadth first, so shallow comments are shown before deep ones; `limit` caps the comments shown,
`replies_per_node` caps the replies under any one node, `depth` caps the levels. Whatever is left
out at a place becomes one `more` entry holding the keyset key to resume after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
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
class PlannedMore:
    count: int
    parent: Parent
    after: SortKey | None
    orphan: int | None = None
    """Under a missing parent: the id of its first orphan, which a cursor names it by."""


Planned = int | MissingParent | PlannedMore
"""A place in a laid-out list: a comment (its id), a missing parent holding its orphans, or
what the bounds left out there."""


Replies = tuple[list[int], PlannedMore | None]
"""The list laid out under a comment or a missing parent: the ids of the replies shown, and a
`more` for those the bounds left out (a plain tuple: one is made for every such list)."""


class Layout(NamedTuple):
    """A laid-out piece of a tree, flat: the top list (the only one that may hold missing
    parents), and the list under each comment or missing parent that shows replies or a
    `more` standing for them."""

    top: list[Planned]
    replies: dict[int | MissingParent, Replies]
    ids: list[int]
    """The comments laid out, breadth first."""


def sort_key(comment: Skeleton, sort: ThreadSort) -> SortKey:
    """Ascending key in display order; positions make it unique."""
    return _KEYS[sort](comment)


class Tree:
    """Children lists of one article's comments, orphans grouped under their missing parent,
    every list in `sort`'s order: the comments are sorted once, so laying out a piece of the
    tree sorts nothing. The top level holds top-level comments and missing parents, a missing
    parent where its first orphan ranks."""

    __slots__ = ("_by_id", "_comments", "children", "key", "orphans", "sort", "top")

    def __init__(self, comments: Iterable[Skeleton], sort: ThreadSort = "oldest") -> None:
        self.sort: ThreadSort = sort
        self.key = _KEYS[sort]
        # Fields by index below, not by name: a tuple's item is read without a call.
        children: defaultdict[int, list[Skeleton]] = defaultdict(list)
        orphans: dict[MissingParent, list[Skeleton]] = {}
        top: list[Skeleton | MissingParent] = []
        ordered = _ordered(comments, sort)
        for c in ordered:
            parent_id = c[1]
            if parent_id is not None:
                children[parent_id].append(c)
            elif c[4] == "missing" and c[2] is not None:  # resolution, parent_author
                group = MissingParent(c[2], bool(c[3]))
                found = orphans.get(group)
                if found is None:
                    orphans[group] = [c]
                    top.append(group)
                else:
                    found.append(c)
            else:
                top.append(c)
        self.children: dict[int, list[Skeleton]] = children
        self.orphans = orphans
        self.top = top
        self._comments = ordered
        self._by_id: dict[int, Skeleton] | None = None

    @property
    def by_id(self) -> dict[int, Skeleton]:
        """Every comment by id (made when first asked for: laying out needs none of it)."""
        if self._by_id is None:
            self._by_id = {c[0]: c for c in self._comments}
        return self._by_id

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
_BY_TIME = itemgetter(Skeleton._fields.index("posted_at"))
_BY_POSITION = itemgetter(Skeleton._fields.index("position"))
_BY_REPLIES = itemgetter(Skeleton._fields.index("reply_count"))


def _ordered(comments: Iterable[Skeleton], sort: ThreadSort) -> list[Skeleton]:
    """`comments` in the order of `_KEYS[sort]` (keys are unique: positions), by two stable
    sorts on one field each, keyed in C: by position, then by the sort's own field (a
    reversed sort keeps equal items in their order). Single ints compare faster than key
    tuples, and make no tuple per comment for the collector to count."""
    by_position = sorted(comments, key=_BY_POSITION, reverse=sort == "newest")
    if sort == "replies":
        by_position.sort(key=_BY_REPLIES, reverse=True)
    else:
        by_position.sort(key=_BY_TIME, reverse=sort == "newest")
    return by_position


def layout(
    tree: Tree,
    parent: Parent,
    *,
    depth: int,
    limit: int,
    replies_per_node: int,
    after: SortKey | None = None,
) -> Layout:
    """The nodes under `parent`, after the key `after`, within the bounds, in the tree's
    order. Breadth first: each level's lists are filled in the order their parents were laid
    out, until `limit` comments are."""
    items = tree.items(parent)
    if after is not None:
        items = [item for item in items if tree.key_of(item) > after]
    children, orphans = tree.children, tree.orphans
    ids: list[int] = []
    replies: dict[int | MissingParent, Replies] = {}
    top: list[Planned] = []
    # The places laid out at the level just done that have replies: (place, its replies).
    found: list[tuple[int | MissingParent, list[Skeleton]]] = []
    budget = limit
    taken = 0
    for item in items:  # the top list, the only one that may hold missing parents
        if taken >= limit or budget <= 0:
            break
        taken += 1
        if isinstance(item, MissingParent):
            top.append(item)
            found.append((item, orphans[item]))
        else:
            budget -= 1
            child = item[0]
            top.append(child)
            ids.append(child)
            kids = children.get(child)
            if kids:
                found.append((child, kids))
    rest = len(items) - taken
    if rest:
        resume = tree.key_of(items[taken - 1]) if taken else after
        top.append(PlannedMore(rest, parent, resume, _first_orphan(tree, parent)))
    level = 1
    while found:
        level += 1
        if level > depth:
            for place, kids in found:
                more = PlannedMore(len(kids), place, None, _first_orphan(tree, place))
                replies[place] = ([], more)
            break
        places, found = found, []
        for place, kids in places:
            count = len(kids)
            cap = replies_per_node if replies_per_node < budget else budget
            shown = kids if count <= cap else kids[:cap]
            shown_ids: list[int] = []
            for c in shown:
                child = c[0]
                shown_ids.append(child)
                grandkids = children.get(child)
                if grandkids:
                    found.append((child, grandkids))
            taken = len(shown_ids)
            budget -= taken
            ids += shown_ids
            if taken < count:
                resume = tree.key_of(shown[-1]) if taken else None
                more = PlannedMore(count - taken, place, resume, _first_orphan(tree, place))
                replies[place] = (shown_ids, more)
            else:
                replies[place] = (shown_ids, None)
    return Layout(top, replies, ids)


def _first_orphan(tree: Tree, place: Parent) -> int | None:
    """The id of the first orphan under `place` if it is a missing parent."""
    return tree.orphans[place][0][0] if isinstance(place, MissingParent) else None


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
