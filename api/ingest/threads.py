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


def time_order(comment: ParsedComment) -> tuple[float, int]:
    """Sort key: time, then page position; a comment without a time sorts by position alone
    among its neighbours (its time counts as the epoch's start)."""
    when = comment.posted_at
    return (when.timestamp() if when is not None else float("-inf"), comment.position)


def _when(comment: ParsedComment) -> float:
    return time_order(comment)[0]


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
    by_time = sorted(members, key=time_order)
    same_minute: dict[float, list[int]] = defaultdict(list)
    for c in by_time:
        same_minute[_when(c)].append(c.position)
    earlier: list[int] = []
    joined = 0
    out: dict[int, tuple[int | None, ParentResolution]] = {}
    for reply in sorted(replies, key=time_order):
        while joined < len(by_time) and _when(by_time[joined]) < _when(reply):
            insort(earlier, by_time[joined].position)
            joined += 1
        if earlier:
            out[reply.position] = _pick(reply, earlier, len(earlier))
        else:
            minute = same_minute.get(_when(reply), [])
            out[reply.position] = _pick(reply, minute, bisect_left(minute, reply.position))
    return out


def resolve_parents(
    comments: Sequence[ParsedComment],
) -> list[tuple[int | None, ParentResolution]]:
    """Each comment's parent position (or None) and how it was resolved."""
    blocks = blocks_of(comments)
    index = by_block_and_author(comments, blocks)
    asking: dict[Family, list[ParsedComment]] = defaultdict(list)
    found: dict[int, tuple[int | None, ParentResolution]] = {}
    for reply in comments:
        if reply.parent_position is not None:
            # The page shows the parent itself (nesting, a reply number): no search; or time
            # order alone placed it in a flat thread, which is an inference.
            resolution: ParentResolution = "inferred" if reply.parent_inferred else "exact"
            found[reply.position] = (reply.parent_position, resolution)
        elif reply.parent_author is not None:
            key = (blocks[reply.position], reply.parent_author, reply.parent_author_verified)
            asking[key].append(reply)
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
    depth: list[int] = [-1] * len(comments)
    root: list[int] = list(range(len(comments)))
    for start in range(len(comments)):
        # Walk up to a comment already placed (or a top), then place the path on the way down.
        path: list[int] = []
        seen: set[int] = set()
        at: int | None = start
        while at is not None and depth[at] < 0 and at not in seen:
            path.append(at)
            seen.add(at)
            at = parents[at][0]
        for index in reversed(path):
            parent, resolution = parents[index]
            if parent is not None and depth[parent] >= 0:
                depth[index] = depth[parent] + 1
                root[index] = root[parent]
            else:  # top level, missing parent, or a cycle the names made
                depth[index] = 1 if resolution == "missing" else 0
    return [
        ThreadLink(parent, resolution, depth[i], root[i], reply_counts[i])
        for i, (parent, resolution) in enumerate(parents)
    ]


def thread_ranks(
    comments: Sequence[ParsedComment],
    links: Sequence[ThreadLink],
    times: Sequence[float | None] | None = None,
) -> list[int]:
    """Each comment's place in thread order: depth first, oldest first among siblings, orphans
    as roots (the order `sort=thread` pages through). `times`: the comments' Unix times
    (`posted_at.timestamp()`, None for none) when the caller has them already.

    One integer per comment whatever its depth: a materialised path of the ancestors' ranks
    would grow with every level, and a chain of thousands of replies with it quadratically.
    Migration 0007 computes the same ranks in SQL for rows stored before it.
    """
    children: dict[int | None, list[int]] = defaultdict(list)
    for index, link in enumerate(links):
        children[link.parent].append(index)
    if times is None:
        times = [None if c.posted_at is None else c.posted_at.timestamp() for c in comments]
    # time_order of each comment, computed once
    order = [
        (float("-inf") if t is None else t, c.position)
        for t, c in zip(times, comments, strict=True)
    ]
    ranks = [0] * len(comments)
    rank = 0
    stack = sorted(children.get(None, ()), key=order.__getitem__)[::-1]
    while stack:
        parent = stack.pop()
        ranks[parent] = rank
        rank += 1
        kids = children.get(parent)
        if kids:
            stack.extend(sorted(kids, key=order.__getitem__)[::-1])
    return ranks
