"""Merge a re-crawl of a page into the thread already known. Pure: no I/O, no database.

A thread is the union of every crawl of its page. Each comment is matched across crawls by a
fingerprint (author, verified flag, posted time, normalised body); a comment whose body changed
but whose author and time did not is the same comment, edited. Every fact kept about a comment
is a function of the *set* of crawls, not of the order they arrive in, so an older crawl merged
after a newer one changes nothing the newer one decided:

- its bodies are versions, each with the first and last crawl that showed it; the current body
  is the one seen last;
- it is removed at the first crawl after the last one that showed it;
- its time (and the text the page showed it with) comes from the first crawl that showed it;
- the parent the page shows by nesting or number, and the author it names, come from the
  newest crawl that showed it;
- its place in the merged page order comes from the first crawl that showed it: it follows the
  comment it followed there (its anchor). Siblings under one anchor are ordered newest crawl
  first, so a comment inserted between two others stays between them.

Crawls are ordered by `Stamp`: the crawl time, then the content hash to break ties.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from api.ingest.identity import normalise_body
from api.ingest.model import CommentKind, ParsedComment

Stamp = tuple[int, str]
"""A crawl's place in time: (crawled_at as Unix seconds, content hash)."""

Fingerprint = tuple[str, bool, int | None, str]
"""(author, verified flag, posted time as Unix seconds or None, normalised body)."""


def _seconds(when: datetime | None) -> int | None:
    return None if when is None else int(when.timestamp())


def fingerprint(comment: ParsedComment) -> Fingerprint:
    """What makes a comment the same comment in another crawl of its page."""
    return (
        comment.author,
        comment.author_verified,
        _seconds(comment.posted_at),
        normalise_body(comment.body),
    )


@dataclass(frozen=True, slots=True)
class Version:
    """One body a comment (or an article's text) was seen with, and when."""

    body: str
    first: Stamp
    last: Stamp


@dataclass(frozen=True, slots=True)
class Known:
    """A comment of the merged thread.

    `key` is the stored comment id, or a negative number for a comment first seen in this merge
    (the store gives it an id). `anchor` is the key of the comment before it on the first page
    that showed it (None: it came first there). `parent` is the key of the comment the page
    shows it answering by nesting or a reply number (None: the page names at most an author);
    `parent_inferred` says time order alone gave that parent (a flat thread).
    """

    key: int
    author: str
    author_verified: bool
    posted_at: datetime | None
    parent_author: str | None
    parent_author_verified: bool | None
    versions: tuple[Version, ...]
    anchor: int | None
    removed: Stamp | None = None
    parent: int | None = None
    posted_text: str | None = None
    kind: CommentKind = "comment"
    parent_inferred: bool = False

    @property
    def current(self) -> Version:
        """The body seen last."""
        return max(self.versions, key=lambda v: (v.last, v.body))

    @property
    def revisions(self) -> list[Version]:
        """Earlier bodies, oldest first."""
        now = self.current
        return sorted((v for v in self.versions if v is not now), key=lambda v: (v.first, v.body))

    @property
    def first(self) -> Stamp:
        """The first crawl that showed it."""
        return min(v.first for v in self.versions)

    @property
    def last(self) -> Stamp:
        """The last crawl that showed it."""
        return max(v.last for v in self.versions)

    @property
    def edited(self) -> Stamp | None:
        """When its current body was first seen, if it had another before."""
        return self.current.first if len(self.versions) > 1 else None

    def fingerprints(self) -> set[Fingerprint]:
        """Its fingerprint with each body it has been seen with."""
        time = _seconds(self.posted_at)
        return {
            (self.author, self.author_verified, time, normalise_body(v.body)) for v in self.versions
        }


def observe(versions: Sequence[Version], body: str, stamp: Stamp) -> tuple[Version, ...]:
    """Versions after a crawl at `stamp` showed `body`. Bodies equal once normalised are one
    version, holding the text of the latest crawl that showed it."""
    wanted = normalise_body(body)
    out: list[Version] = []
    found = False
    for v in versions:
        if not found and normalise_body(v.body) == wanted:
            found = True
            v = Version(body if stamp > v.last else v.body, min(v.first, stamp), max(v.last, stamp))
        out.append(v)
    if not found:
        out.append(Version(body, stamp, stamp))
    return tuple(out)


def removed_at(last: Stamp, crawls: Sequence[Stamp]) -> Stamp | None:
    """The first of the (sorted) crawls after `last`, the last crawl that showed a comment."""
    at = bisect.bisect_right(crawls, last)
    return crawls[at] if at < len(crawls) else None


Loose = tuple[str, bool, int]
"""(author, verified flag, posted time): the same comment, whatever its body now."""
Worded = tuple[str, bool, str]
"""(author, verified flag, normalised body): the same comment, whatever time a page gave it."""


class _Pairing:
    """Stored comments waiting to be claimed, in three ways from the surest to the loosest:
    by a fingerprint they had, by author and time (an edit), by author and body (a time read
    differently). Each is claimed once; duplicates pair up in the order they are asked for."""

    def __init__(self, known: Iterable[Known]) -> None:
        self.exact: dict[Fingerprint, list[int]] = defaultdict(list)
        self.loose: dict[Loose, list[int]] = defaultdict(list)
        self.worded: dict[Worded, list[int]] = defaultdict(list)
        for k in known:
            for fp in sorted(k.fingerprints(), key=lambda f: f[3]):
                self.exact[fp].append(k.key)
                self.worded[(fp[0], fp[1], fp[3])].append(k.key)
            if k.posted_at is not None:
                self.loose[(k.author, k.author_verified, _seconds(k.posted_at) or 0)].append(k.key)
        self.taken: set[int] = set()

    def claim(self, candidates: Iterable[int]) -> int | None:
        """The first candidate not claimed yet, now claimed."""
        for key in candidates:
            if key not in self.taken:
                self.taken.add(key)
                return key
        return None

    def pair(
        self, wanted: Sequence[tuple[Sequence[Fingerprint], datetime | None]]
    ) -> list[int | None]:
        """The stored key each wanted comment (its fingerprints, its time) is, or None."""
        out: list[int | None] = [None] * len(wanted)
        for i, (fps, _) in enumerate(wanted):
            for fp in fps:
                out[i] = self.claim(self.exact.get(fp, ()))
                if out[i] is not None:
                    break
        for i, (fps, when) in enumerate(wanted):
            if out[i] is None and when is not None and fps:
                author, verified = fps[0][0], fps[0][1]
                out[i] = self.claim(self.loose.get((author, verified, _seconds(when) or 0), ()))
        for i, (fps, _) in enumerate(wanted):
            for fp in fps if out[i] is None else ():
                out[i] = self.claim(self.worded.get((fp[0], fp[1], fp[3]), ()))
                if out[i] is not None:
                    break
        return out


def match(known: Sequence[Known], page: Sequence[ParsedComment]) -> list[int | None]:
    """The key of the known comment each page comment is, or None for a new one.

    First by fingerprint against every body a known comment has had; then, among what is left,
    by author, verified flag and posted time (an edit); then by author, verified flag and body
    (the same words at a time read differently). Duplicates pair up in page order.
    """
    return _Pairing(known).pair([([fingerprint(c)], c.posted_at) for c in page])


def merged_order(known: Iterable[Known]) -> list[Known]:
    """Page order of the merged thread: each comment after its anchor, siblings under one
    anchor newest first crawl first (so insertions land where the page put them)."""
    children: dict[int | None, list[Known]] = defaultdict(list)
    for k in known:
        children[k.anchor].append(k)
    for kids in children.values():
        kids.sort(key=lambda k: (k.first, k.key), reverse=True)
    out: list[Known] = []
    stack: list[Known] = list(reversed(children.get(None, [])))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(children.get(node.key, [])))
    if len(out) < sum(len(kids) for kids in children.values()):  # an anchor not in the thread
        shown = {k.key for k in out}
        out += sorted(
            (k for kids in children.values() for k in kids if k.key not in shown),
            key=lambda k: (k.first, k.key),
        )
    return out


@dataclass(frozen=True, slots=True)
class Merge:
    """A thread after one more crawl, and what that crawl changed."""

    comments: list[Known]  # in merged page order
    crawls: list[Stamp]  # sorted
    added: list[int]
    edited: list[int]
    removed: list[int]
    restored: list[int]
    repeated: bool  # this very crawl was merged before: nothing changed

    @property
    def changed(self) -> bool:
        """Whether any comment was added, edited, removed or restored."""
        return bool(self.added or self.edited or self.removed or self.restored)


def merge(
    known: Sequence[Known],
    crawls: Sequence[Stamp],
    stamp: Stamp,
    page: Sequence[ParsedComment],
    next_key: int = -1,
) -> Merge:
    """Merge the comments of a crawl at `stamp` into the thread `known`, seen by `crawls`.

    New comments get keys `next_key`, `next_key - 1`, ...; the store replaces them with ids.
    """
    ordered = sorted(crawls)
    if stamp in ordered:
        return Merge(list(known), ordered, [], [], [], [], repeated=True)
    all_crawls = sorted([*ordered, stamp])
    keys: list[int] = []
    added: list[int] = []
    for key in match(known, page):
        if key is None:
            key = next_key
            next_key -= 1
            added.append(key)
        keys.append(key)
    by_key = {k.key: k for k in known}
    updated: dict[int, Known] = {}
    previous: int | None = None
    for comment, key in zip(page, keys, strict=True):
        parent = None if comment.parent_position is None else keys[comment.parent_position]
        old = by_key.get(key)
        if old is None:
            updated[key] = Known(
                key=key,
                author=comment.author,
                author_verified=comment.author_verified,
                posted_at=comment.posted_at,
                parent_author=comment.parent_author,
                parent_author_verified=comment.parent_author_verified,
                versions=(Version(comment.body, stamp, stamp),),
                anchor=previous,
                parent=parent,
                posted_text=comment.posted_text,
                kind=comment.kind,
                parent_inferred=comment.parent_inferred,
            )
        else:
            new = replace(old, versions=observe(old.versions, comment.body, stamp))
            if stamp > old.last:  # the newest crawl says whom it answers
                new = replace(
                    new,
                    parent_author=comment.parent_author,
                    parent_author_verified=comment.parent_author_verified,
                    parent=parent,
                    parent_inferred=comment.parent_inferred,
                )
            if stamp < old.first:  # the first crawl that showed it says where and when
                new = replace(
                    new,
                    anchor=previous,
                    posted_at=comment.posted_at,
                    posted_text=comment.posted_text,
                    kind=comment.kind,
                )
            updated[key] = new
        previous = key

    result: list[Known] = []
    edited: list[int] = []
    removed: list[int] = []
    restored: list[int] = []
    fresh = set(added)
    for k in [*known, *(updated[a] for a in added)]:
        new = updated.get(k.key, k)
        gone = removed_at(new.last, all_crawls)
        if gone != new.removed:
            new = replace(new, removed=gone)
        if k.key not in fresh:
            if normalise_body(new.current.body) != normalise_body(k.current.body):
                edited.append(k.key)
            if k.removed is None and new.removed is not None:
                removed.append(k.key)
            elif k.removed is not None and new.removed is None:
                restored.append(k.key)
        result.append(new)
    return Merge(merged_order(result), all_crawls, added, edited, removed, restored, False)


def as_parsed(thread: Sequence[Known]) -> list[ParsedComment]:
    """The merged thread as parsed comments in merged page order, for the reply-tree resolver
    (which then sees every comment ever shown, so a reply finds a parent since removed)."""
    index = {k.key: i for i, k in enumerate(thread)}
    out: list[ParsedComment] = []
    for i, k in enumerate(thread):
        parent = None if k.parent is None else index.get(k.parent)
        out.append(
            ParsedComment(
                position=i,
                author=k.author,
                author_verified=k.author_verified,
                posted_at=k.posted_at,
                body=k.current.body,
                parent_author=k.parent_author,
                parent_author_verified=k.parent_author_verified,
                posted_text=k.posted_text,
                kind=k.kind,
                parent_position=parent if parent is not None and parent < i else None,
                parent_inferred=k.parent_inferred,
            )
        )
    return out


def rekey(rebuilt: Sequence[Known], stored: Sequence[Known]) -> dict[int, int]:
    """For each comment of a thread rebuilt from the same crawls (by a newer parser), the
    stored comment it is: by any shared fingerprint, else by author, flag and time, else by
    author, flag and body."""
    wanted = [(sorted(k.fingerprints(), key=lambda f: f[3]), k.posted_at) for k in rebuilt]
    pairs = _Pairing(stored).pair(wanted)
    return {k.key: key for k, key in zip(rebuilt, pairs, strict=True) if key is not None}
