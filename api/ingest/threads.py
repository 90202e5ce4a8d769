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

from collections import defaultdict
from collections.abc import Sequence

from api.ingest.model import ParsedComment, ThreadLink
from schemas import ParentResolution


def time_order(comment: ParsedComment) -> tuple[float, int]:
    """Sort key: time, then page position; a comment without a time sorts by position alone
    among its neighbours (its time counts as the epoch's start)."""
    when = comment.posted_at
    return (when.timestamp() if when is not None else float("-inf"), comment.position)


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


def candidates_for(
    reply: ParsedComment, index: Authored, blocks: Sequence[int]
) -> list[ParsedComment]:
    """Comments that could be `reply`'s parent, by name, flag, block and time."""
    key = (blocks[reply.position], reply.parent_author or "")
    same_block = [
        c
        for c in index.get(key, ())
        if c.position != reply.position
        and (
            reply.parent_author_verified is None
            or c.author_verified == reply.parent_author_verified
        )
    ]
    if reply.posted_at is None or any(c.posted_at is None for c in same_block):
        return [c for c in same_block if c.position < reply.position] or same_block
    when = reply.posted_at
    earlier = [c for c in same_block if c.posted_at is not None and c.posted_at < when]
    if earlier:
        return earlier
    return [c for c in same_block if c.posted_at == when and c.position < reply.position]


def choose_parent(reply: ParsedComment, candidates: Sequence[ParsedComment]) -> ParsedComment:
    """Pick one of several candidates: quoted text, then the nearest above, then below."""
    sources = {q.source_comment for q in reply.quotes}
    quoted = [c for c in candidates if c.position in sources]
    if len(quoted) == 1:
        return quoted[0]
    pool = quoted or list(candidates)
    above = [c for c in pool if c.position < reply.position]
    if above:
        return max(above, key=lambda c: c.position)
    return min(pool, key=lambda c: c.position)


def resolve_parents(
    comments: Sequence[ParsedComment],
) -> list[tuple[int | None, ParentResolution]]:
    """Each comment's parent position (or None) and how it was resolved."""
    blocks = blocks_of(comments)
    index = by_block_and_author(comments, blocks)
    out: list[tuple[int | None, ParentResolution]] = []
    for reply in comments:
        if reply.parent_position is not None:
            out.append((reply.parent_position, "exact"))
            continue
        if reply.parent_author is None:
            out.append((None, "none"))
            continue
        found = candidates_for(reply, index, blocks)
        if not found:
            out.append((None, "missing"))
        elif len(found) == 1:
            out.append((found[0].position, "exact"))
        else:
            out.append((choose_parent(reply, found).position, "inferred"))
    return out


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


def thread_paths(comments: Sequence[ParsedComment], links: Sequence[ThreadLink]) -> list[str]:
    """Each comment's materialised path: depth first, oldest first among siblings, orphans as
    roots, as 6-digit sibling ranks joined by dots (the order `sort=thread` pages through).

    Migration 0005 computes the same paths in SQL for rows stored before it.
    """
    children: dict[int | None, list[int]] = defaultdict(list)
    for index, link in enumerate(links):
        children[link.parent].append(index)
    paths = [""] * len(comments)
    stack: list[tuple[int | None, str]] = [(None, "")]
    while stack:
        parent, prefix = stack.pop()
        kids = sorted(children.get(parent, ()), key=lambda i: time_order(comments[i]))
        for rank, index in enumerate(kids):
            paths[index] = f"{prefix}{rank:06d}"
            stack.append((index, paths[index] + "."))
    return paths
