"""Lay out a bounded piece of a reply tree. Pure: works on a skeleton of the article's comments.

Breadth first, so shallow comments are shown before deep ones; `limit` caps the comments shown,
`replies_per_node` caps the replies under any one node, `depth` caps the levels. Whatever is left
out at a place becomes one `more` entry holding the keyset key to resume after.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable
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
    """Children lists of one article's comments, orphans grouped under their missing parent."""

    def __init__(self, comments: Iterable[Skeleton]) -> None:
        self.children: defaultdict[int, list[Skeleton]] = defaultdict(list)
        self.orphans: defaultdict[MissingParent, list[Skeleton]] = defaultdict(list)
        self.top: list[Skeleton] = []
        self.by_id: dict[int, Skeleton] = {}
        for c in comments:
            self.by_id[c.id] = c
            if c.parent_id is not None:
                self.children[c.parent_id].append(c)
            elif c.resolution == "missing" and c.parent_author is not None:
                self.orphans[MissingParent(c.parent_author, bool(c.parent_author_verified))].append(
                    c
                )
            else:
                self.top.append(c)

    def items(
        self, parent: Parent, sort: ThreadSort
    ) -> list[tuple[SortKey, Skeleton | MissingParent]]:
        """Sorted siblings under `parent`; a missing parent ranks by its first orphan."""
        key = _KEYS[sort]
        keyed: list[tuple[SortKey, Skeleton | MissingParent]]
        if isinstance(parent, MissingParent):
            keyed = [(key(k), k) for k in self.orphans.get(parent, ())]
        elif parent is None:
            keyed = [(key(k), k) for k in self.top]
            keyed += [(min(map(key, kids)), group) for group, kids in self.orphans.items()]
        else:
            keyed = [(key(k), k) for k in self.children.get(parent, ())]
        keyed.sort(key=_first)  # keys are unique: positions are
        return keyed

    def has_replies(self, item: Skeleton | MissingParent) -> int:
        if isinstance(item, MissingParent):
            return len(self.orphans[item])
        return len(self.children.get(item.id, ()))


_KEYS: dict[ThreadSort, Callable[[Skeleton], SortKey]] = {
    "oldest": lambda c: (c.posted_at, c.position),
    "newest": lambda c: (-c.posted_at, -c.position),
    "replies": lambda c: (-c.reply_count, c.position),
}
"""`sort_key` for each sort, looked up once per sibling list rather than once per comment."""
_first = itemgetter(0)


@dataclass(slots=True)
class _Slot:
    parent: Parent
    items: list[tuple[SortKey, Skeleton | MissingParent]]
    level: int
    out: list[Planned]
    cap: int


def layout(
    tree: Tree,
    parent: Parent,
    *,
    sort: ThreadSort,
    depth: int,
    limit: int,
    replies_per_node: int,
    after: SortKey | None = None,
) -> list[Planned]:
    """The nodes under `parent`, after the key `after`, within the bounds."""
    items = [pair for pair in tree.items(parent, sort) if after is None or pair[0] > after]
    result: list[Planned] = []
    queue = deque([_Slot(parent, items, 1, result, limit)])
    budget = limit
    while queue:
        slot = queue.popleft()
        taken = 0
        for _, item in slot.items:
            if taken >= slot.cap or budget <= 0:
                break
            taken += 1
            node: PlannedComment | PlannedGroup
            if isinstance(item, MissingParent):
                node = PlannedGroup(item)
                child: Parent = item
            else:
                budget -= 1
                node = PlannedComment(item.id)
                child = item.id
            slot.out.append(node)
            kids = tree.has_replies(item)
            if kids and slot.level < depth:
                queue.append(
                    _Slot(
                        child,
                        tree.items(child, sort),
                        slot.level + 1,
                        node.replies,
                        replies_per_node,
                    )
                )
            elif kids:
                node.replies.append(PlannedMore(kids, child, None))
        rest = len(slot.items) - taken
        if rest:
            resume = slot.items[taken - 1][0] if taken else (after if slot.out is result else None)
            slot.out.append(PlannedMore(rest, slot.parent, resume))
    return result


def planned_ids(nodes: Iterable[Planned]) -> list[int]:
    """Every comment id in a layout, depth first."""
    out: list[int] = []
    stack = list(reversed(list(nodes)))
    while stack:
        node = stack.pop()
        if isinstance(node, PlannedComment):
            out.append(node.id)
        if not isinstance(node, PlannedMore):
            stack.extend(reversed(node.replies))
    return out


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
