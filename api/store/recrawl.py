"""What a re-crawl decides, the same on every engine: the stored thread as the merge reads it,
the plan of what to rewrite, and the rows of the statements both engines run.

`api.store.sqlite.crawls` and `api.store.postgres.crawls` own the SQL around it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from api.ingest.identity import article_fingerprint, article_text, canonical_url
from api.ingest.merge import Known, Merge, Stamp, Version, as_parsed, observe
from api.ingest.model import Block, ParsedPage
from api.ingest.page import assemble
from api.ingest.threads import thread_ranks
from api.store.protocol import CrawlResult, Outcome, Source
from api.store.rows import utc


def now() -> int:
    """The clock both engines stamp rows with, in whole seconds."""
    return int(time.time())


def published(page: ParsedPage, source: Source) -> int | None:
    """The source's date, else the one the page shows."""
    if source.published_at is not None:
        return source.published_at
    return None if page.published_at is None else int(page.published_at.timestamp())


@dataclass(slots=True)
class Stored:
    """An article's thread as the merge needs it."""

    crawls: dict[int, Stamp]  # crawl id -> stamp
    comments: list[Known]  # in stored page order
    texts: list[Version]
    title: str
    content_hash: str
    blocks: list[list[Block]]
    bodies: dict[int, str] = field(default_factory=dict)  # stored body by id

    def stamp_ids(self) -> dict[Stamp, int]:
        return {stamp: crawl_id for crawl_id, stamp in self.crawls.items()}


KNOWN_COLUMNS = """
    id, author, author_verified, posted_at, parent_author, parent_author_verified, body,
    body_crawl_id, last_crawl_id, anchor_id, removed_crawl_id, page_parent_id, posted_text, kind,
    parent_resolution
"""


def stored(
    crawl_rows: Iterable[Any],
    revision_rows: Iterable[Any],
    comment_rows: Iterable[Any],
    text_rows: Iterable[Any],
    article: Any,
    blocks: list[list[Block]],
) -> Stored:
    """An article's thread from the rows of the queries both engines run: its crawls (id,
    crawled_at, content_hash), its comments' earlier bodies (comment_id, body, first and last
    crawl id, oldest first), its comments (`KNOWN_COLUMNS`, in page order), its text versions
    (text, first and last crawl id, oldest first) and the article's (title, content_hash)."""
    crawls: dict[int, Stamp] = {r[0]: (r[1], r[2]) for r in crawl_rows}
    revisions: dict[int, list[Version]] = {}
    for r in revision_rows:
        revisions.setdefault(r[0], []).append(Version(r[1], crawls[r[2]], crawls[r[3]]))
    comments: list[Known] = []
    bodies: dict[int, str] = {}
    for r in comment_rows:
        bodies[r[0]] = r[6]
        comments.append(known(r, crawls, revisions))
    texts = [Version(r[0], crawls[r[1]], crawls[r[2]]) for r in text_rows]
    title, content_hash = article
    return Stored(crawls, comments, texts, title, content_hash, blocks, bodies)


def known(r: Any, crawls: dict[int, Stamp], revisions: dict[int, list[Version]]) -> Known:
    """A stored comment (a `KNOWN_COLUMNS` row) as the merge reads it."""
    return Known(
        key=r[0],
        author=r[1],
        author_verified=bool(r[2]),
        posted_at=None if r[3] is None else utc(r[3]),
        parent_author=r[4],
        parent_author_verified=None if r[5] is None else bool(r[5]),
        versions=(*revisions.get(r[0], ()), Version(r[6], crawls[r[7]], crawls[r[8]])),
        anchor=r[9],
        removed=None if r[10] is None else crawls[r[10]],
        parent=r[11],
        posted_text=r[12],
        kind=r[13],
        # a parent the page did not show is stored as one time order inferred
        parent_inferred=r[11] is not None and r[14] == "inferred",
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """What a merge writes besides the thread: decided from the stored and the new crawl
    alone, the same on every engine."""

    texts: list[Version]
    text_edited: bool
    newest: bool  # the crawl is the newest one: the article takes its text and metadata
    structural: bool  # the text, order or reply tree changed: everything derived is rewritten
    outcome: Outcome
    title: str
    blocks: list[list[Block]]
    digest: str

    def result(self, article_id: int, total: int, merged: Merge, crawl_id: int) -> CrawlResult:
        """The crawl's outcome as the API reports it."""
        return CrawlResult(
            article_id,
            self.outcome,
            total,
            len(merged.added),
            len(merged.edited),
            len(merged.removed),
            self.text_edited,
            crawl_id,
        )


def decide(stored: Stored, page: ParsedPage, stamp: Stamp, result: Merge) -> Plan:
    """The texts, the outcome and what to rewrite after merging a crawl (`result`)."""
    text = article_text(page.title, page.sections)
    texts = list(observe(stored.texts, text, stamp))
    current_text = max(texts, key=lambda v: (v.last, v.body))
    text_edited = current_text.body != max(stored.texts, key=lambda v: (v.last, v.body)).body
    newest = stamp == result.crawls[-1]
    structural = (newest and text_edited) or shape(stored.comments) != shape(result.comments)
    outcome: Outcome = "merged" if structural or result.changed else "unchanged"
    if newest:
        title, blocks, digest = page.title, page.sections, page.content_hash
    else:
        title, blocks, digest = stored.title, stored.blocks, stored.content_hash
    return Plan(texts, text_edited, newest, structural, outcome, title, blocks, digest)


def shape(thread: list[Known]) -> list[tuple[object, ...]]:
    """What the reply tree, quotes and order are computed from."""
    return [
        (
            k.key,
            k.current.body,
            k.parent_author,
            k.parent_author_verified,
            k.parent,
            k.parent_inferred,
            k.posted_at,
            k.kind,
        )
        for k in thread
    ]


def article_values(
    article_id: int, page: ParsedPage, source: Source, crawl_id: int, outcome: Outcome
) -> tuple[object, ...]:
    """The parameters of a crawl's article UPDATE, in the order both engines' statements
    take them: hash, title, crawl, URL, canonical URL, published, fingerprint, byline,
    rendering, whether `updated_at` moves, now, id."""
    return (
        page.content_hash,
        page.title,
        crawl_id,
        source.url,
        canonical_url(source.url),
        published(page, source),
        article_fingerprint(page.title, page.sections),
        page.byline,
        page.comment_rendering,
        outcome == "merged",
        now(),
        article_id,
    )


def comment_updates(
    thread: list[Known], ids: dict[int, int], crawl_ids: dict[Stamp, int]
) -> list[tuple[Any, ...]]:
    """Per comment of a merged thread (by `ids`, key -> id): position, anchor_id,
    parent_author, parent_author_verified, first/last/body/removed crawl ids, first_seen_at,
    edited_at, removed_at, page_parent_id, posted_at, posted_text, kind, and its id last."""
    return [
        (
            i,
            None if k.anchor is None else ids.get(k.anchor),
            k.parent_author,
            None if k.parent_author_verified is None else int(k.parent_author_verified),
            crawl_ids[k.first],
            crawl_ids[k.last],
            crawl_ids[k.current.first],
            None if k.removed is None else crawl_ids[k.removed],
            k.first[0],
            None if k.edited is None else k.edited[0],
            None if k.removed is None else k.removed[0],
            None if k.parent is None else ids.get(k.parent),
            None if k.posted_at is None else int(k.posted_at.timestamp()),
            k.posted_text,
            k.kind,
            ids[k.key],
        )
        for i, k in enumerate(thread)
    ]


def repeats_newest(newest: Any, page: ParsedPage, stamp: Stamp, version: str) -> bool:
    """Whether `page`, crawled at `stamp`, is the page of the article's newest crawl (`newest`:
    its id, crawled_at, content_hash and parser_version) read by the same parser (`version`)
    and seen again later: then what that crawl showed is now last seen by this one, and nothing
    else changes (the merge would decide the same, comment by comment)."""
    if newest[2] != page.content_hash or stamp <= (newest[1], newest[2]):
        return False
    return newest[3] is None or newest[3] == version


def text_rows(
    article_id: int, texts: list[Version], crawl_ids: dict[Stamp, int]
) -> list[tuple[Any, ...]]:
    """The article's text versions as article_versions rows: article_id, text, first and last
    crawl id."""
    return [(article_id, v.body, crawl_ids[v.first], crawl_ids[v.last]) for v in texts]


def revision_rows(
    thread: list[Known], ids: dict[int, int], crawl_ids: dict[Stamp, int]
) -> list[tuple[Any, ...]]:
    """Each comment's earlier bodies as comment_revisions rows: comment_id, body, first and
    last crawl id."""
    return [
        (ids[k.key], v.body, crawl_ids[v.first], crawl_ids[v.last])
        for k in thread
        for v in k.revisions
    ]


def body_updates(
    thread: list[Known], ids: dict[int, int], bodies: dict[int, str]
) -> list[tuple[str, int]]:
    """(body, id) of each comment whose current body is not the stored one (`bodies`)."""
    return [(k.current.body, ids[k.key]) for k in thread if bodies[ids[k.key]] != k.current.body]


def rebuilt(
    thread: list[Known], ids: list[int], title: str, blocks: list[list[Block]], digest: str
) -> tuple[ParsedPage, list[tuple[Any, ...]]]:
    """The page a merged thread makes (quotes, links, speakers and the reply tree over every
    comment ever shown), and each comment's tree columns for it (`ids` in page order): parent
    id, parent_resolution, depth, root id, reply_count, thread_rank, and its id last."""
    page = assemble(title, blocks, as_parsed(thread), digest)
    ranks = thread_ranks(page.comments, page.threads)
    return page, [
        (
            None if link.parent is None else ids[link.parent],
            link.resolution,
            link.depth,
            ids[link.root],
            link.reply_count,
            rank,
            ids[i],
        )
        for i, (link, rank) in enumerate(zip(page.threads, ranks, strict=True))
    ]
