"""What a re-crawl decides, the same on every engine: the stored thread as the merge reads it,
the plan of what to rewrite, and the rows of the statements both engines run.

`api.store.sqlite.crawls` and `api.store.postgres.crawls` own the SQL around it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from api.ingest.identity import article_fingerprint, article_text, canonical_url
from api.ingest.merge import Known, Merge, Stamp, Version, observe
from api.ingest.model import Block, ParsedPage
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
