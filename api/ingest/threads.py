"""Rebuild the reply tree from parent *author names*. Pure functions over parsed comments.

The page names a reply's parent only by author, so every signal it gives is used:
1. the named author and their verified flag;
2. time order: a parent is posted before its reply (the same minute only as a last resort,
   and then only when it also comes first on the page);
3. block structure: a top-level comment and the replies after it form one block, and a
   reply's parent lies in its block (replies before the first top-level comment form a block
   of their own, the rest of a thread begun on an earlier page);
4. text: a reply that quotes one candidate's words answers that candidate;
5. document position: otherwise the nearest candidate above the reply, then below it.

One candidate left is `exact`, several is `inferred`, none is `missing` (the reply is kept,
an orphan at depth 1 under its absent parent).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Sequence

from api.ingest.model import ParsedComment, ThreadLink
from schemas import ParentResolution


def blocks_of(comments: Sequence[ParsedComment]) -> list[int]:
    """Block number of every comment: the position of the top-level comment that opens it."""
    block = -1
    out: list[int] = []
    for comment in comments:
        if comment.parent_author is None:
            block = comment.position
        out.append(block)
    return out


Authored = dict[tuple[int, str], list[ParsedComment]]


def by_block_and_author(comments: Sequence[ParsedComment], blocks: Sequence[int]) -> Authored:
    """Each block's comments grouped by author, so candidates are found without a scan."""
    index: Authored = defaultdict(list)
    for comment in comments:
        index[(blocks[comment.position], comment.author)].append(comment)
    return index


Family = tuple[int, str, bool | None]  # block, author, verified flag (None: either)


def _family_members(index: Authored, key: Family) -> list[ParsedComment]:
    block, author, verified = key
    found = index.get((block, author), [])
    return found if verified is None else [c for c in found if c.author_verified == verified]


def _pick(reply: ParsedComment, pool: list[int], hi: int) -> tuple[int | None, ParentResolution]:
    """Choose among the candidate positions `pool[:hi]` (sorted): none, one, or several
    (then the one the reply quotes, else the nearest above the reply, else below it)."""
    if hi == 0:
        return None, "missing"
    if hi == 1:
        return pool[0], "exact"
    quoted = sorted(
        s
        for s in {q.source_comment for q in reply.quotes}
        if s is not None and (i := bisect_left(pool, s, 0, hi)) < hi and pool[i] == s
    )
    if len(quoted) == 1:
        return quoted[0], "inferred"
    if quoted:
        pool, hi = quoted, len(quoted)
    above = bisect_left(pool, reply.position, 0, hi)
    return (pool[above - 1] if above else pool[0]), "inferred"


def _resolve_family(
    members: list[ParsedComment], replies: list[ParsedComment]
) -> dict[int, tuple[int | None, ParentResolution]]:
    """Parents of `replies`, all naming the same family of candidates `members`.

    A reply's candidates are the members posted before it or, failing those, the members of
    its own minute above it on the page. Replies are taken in time order while members join a
    sorted list of positions as they become earlier, so each reply costs a few bisections
    however deep or wide the thread (a scan per reply would be quadratic).
    """
    by_time = sorted(members, key=lambda c: (c.posted_at, c.position))
    same_minute: dict[object, list[int]] = defaultdict(list)
    for c in by_time:
        same_minute[c.posted_at].append(c.position)
    earlier: list[int] = []
    joined = 0
    out: dict[int, tuple[int | None, ParentResolution]] = {}
    for reply in sorted(replies, key=lambda c: (c.posted_at, c.position)):
        while joined < len(by_time) and by_time[joined].posted_at < reply.posted_at:
            insort(earlier, by_time[joined].position)
            joined += 1
        if earlier:
            out[reply.position] = _pick(reply, earlier, len(earlier))
        else:
            minute = same_minute.get(reply.posted_at, [])
            out[reply.position] = _pick(reply, minute, bisect_left(minute, reply.position))
    return out


def resolve_parents(
    comments: Sequence[ParsedComment],
) -> list[tuple[int | None, ParentResolution]]:
    """Each comment's parent position (or None) and how it was resolved."""
    blocks = blocks_of(comments)
    index = by_block_and_author(comments, blocks)
    asking: dict[Family, list[ParsedComment]] = defaultdict(list)
    for reply in comments:
        if reply.parent_author is not None:
            key = (blocks[reply.position], reply.parent_author, reply.parent_author_verified)
            asking[key].append(reply)
    found: dict[int, tuple[int | None, ParentResolution]] = {}
    for key, replies in asking.items():
        found.update(_resolve_family(_family_members(index, key), replies))
    return [found.get(c.position, (None, "none")) for c in comments]


def resolve_threads(comments: Sequence[ParsedComment]) -> list[ThreadLink]:
    """Parent, resolution, depth, subtree root and direct reply count of every comment."""
    parents = resolve_parents(comments)
    reply_counts = [0] * len(comments)
    for parent, _ in parents:
        if parent is not None:
            reply_counts[parent] += 1
    depth: list[int] = [0] * len(comments)
    root: list[int] = list(range(len(comments)))
    # Parents precede their replies in time, so walk in (time, position) order.
    order = sorted(range(len(comments)), key=lambda i: (comments[i].posted_at, i))
    for index in order:
        parent, resolution = parents[index]
        if parent is not None:
            depth[index] = depth[parent] + 1
            root[index] = root[parent]
        elif resolution == "missing":
            depth[index] = 1
    return [
        ThreadLink(parent, resolution, depth[i], root[i], reply_counts[i])
        for i, (parent, resolution) in enumerate(parents)
    ]


def thread_ranks(comments: Sequence[ParsedComment], links: Sequence[ThreadLink]) -> list[int]:
    """Each comment's place in thread order: depth first, oldest first among siblings, orphans
    as roots (the order `sort=thread` pages through).

    One integer per comment whatever its depth: a materialised path of the ancestors' ranks
    would grow with every level, and a chain of thousands of replies with it quadratically.
    Migration 0007 computes the same ranks in SQL for rows stored before it.
    """
    children: dict[int | None, list[int]] = defaultdict(list)
    for index, link in enumerate(links):
        children[link.parent].append(index)
    ranks = [0] * len(comments)
    rank = 0
    stack: list[int | None] = [None]
    while stack:
        parent = stack.pop()
        if parent is not None:
            ranks[parent] = rank
            rank += 1
        kids = sorted(children.get(parent, ()), key=lambda i: (comments[i].posted_at, i))
        stack.extend(reversed(kids))
    return ranks
