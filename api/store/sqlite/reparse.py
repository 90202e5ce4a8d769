"""Re-read an article's stored sources with the current parser and merge the result.

Every crawl of the article is parsed again and the thread is rebuilt from those parses, in crawl
order, exactly as the crawls would merge now; the rebuilt comments take the ids of the stored
comments they match. A stored comment the parser no longer finds is kept, marked removed.
"""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from api.ingest.errors import PageError
from api.ingest.identity import article_text, normalise_body
from api.ingest.merge import (
    Known,
    Stamp,
    Version,
    merge,
    merged_order,
    observe,
    rekey,
)
from api.ingest.model import ParsedPage
from api.ingest.page import parse_page
from api.ingest.structured import page_from_import
from api.ingest.version import parser_version
from api.parsing.pool import ParsePool
from api.store.sqlite import writes
from api.store.sqlite.crawls import load_thread, save_texts, save_thread
from schemas.imports import ArticleImport

Status = Literal["changed", "unchanged", "no-source", "failed"]


@dataclass(frozen=True, slots=True)
class Reparse:
    """What re-reading one article's sources changed (or would change)."""

    article_id: int
    status: Status
    crawls: int = 0
    added: int = 0
    edited: int = 0
    removed: int = 0
    text_edited: bool = False
    error: str | None = None

    STATUSES: ClassVar[tuple[Status, ...]] = ("changed", "unchanged", "no-source", "failed")

    def report(self) -> str:
        """One line for the command line."""
        if self.status == "no-source":
            return (
                f"article {self.article_id}: no stored source for some crawls (ingested before "
                "sources were kept); re-ingest it from its files"
            )
        if self.status == "failed":
            return f"article {self.article_id}: cannot re-read: {self.error}"
        crawls = f"{self.crawls} crawl{'' if self.crawls == 1 else 's'} re-read"
        if self.status == "unchanged":
            return f"article {self.article_id}: {crawls}, unchanged"
        text = ", text edited" if self.text_edited else ""
        return (
            f"article {self.article_id}: {crawls}: {self.added} comments "
            f"added, {self.edited} edited, {self.removed} removed{text}"
        )


def article_ids(conn: sqlite3.Connection) -> list[int]:
    """Every article, in id order."""
    return [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]


def reparse_article(
    conn: sqlite3.Connection, article_id: int, *, dry_run: bool, parser: ParsePool | None = None
) -> Reparse:
    """Re-read one article's sources (in `parser`'s process, within its budget, when given);
    with `dry_run`, only say what would change."""
    return writes._transaction(conn, lambda: _reparse(conn, article_id, dry_run, parser))


def _parse(
    data: bytes, media_type: str, timezone: str | None, crawled_at: int, parser: ParsePool | None
) -> ParsedPage:
    """A stored source read again as it was at ingest: a page in its zone, relative times
    against its crawl time."""
    raw = zlib.decompress(data)
    if media_type == "application/json":
        document = msgspec.json.decode(raw, type=ArticleImport)
        return (
            page_from_import(document) if parser is None else parser.run(page_from_import, document)
        )
    text = raw.decode("utf-8", errors="replace")
    zone = ZoneInfo(timezone or "UTC")
    when = datetime.fromtimestamp(crawled_at, UTC)
    return (
        parse_page(text, zone, when) if parser is None else parser.run(parse_page, text, zone, when)
    )


def _reparse(
    conn: sqlite3.Connection, article_id: int, dry_run: bool, parser: ParsePool | None
) -> Reparse:
    rows = conn.execute(
        "SELECT c.id, c.crawled_at, c.content_hash, c.timezone, s.media_type, s.data "
        "FROM crawls c LEFT JOIN crawl_sources s ON s.id = c.source_id "
        "WHERE c.article_id = ? ORDER BY c.crawled_at, c.content_hash",
        (article_id,),
    ).fetchall()
    if not rows or any(r[5] is None for r in rows):
        return Reparse(article_id, "no-source", len(rows))
    pages: list[tuple[Stamp, ParsedPage]] = []
    for r in rows:
        try:
            pages.append(((r[1], r[2]), _parse(r[5], r[4], r[3], r[1], parser)))
        except (PageError, msgspec.MsgspecError, ZoneInfoNotFoundError, zlib.error) as exc:
            return Reparse(article_id, "failed", len(rows), error=f"crawl {r[0]}: {exc}")

    thread: list[Known] = []
    stamps: list[Stamp] = []
    texts: tuple[Version, ...] = ()
    next_key = -1
    for stamp, page in pages:
        result = merge(thread, stamps, stamp, page.comments, next_key)
        next_key -= len(result.added)
        thread, stamps = result.comments, result.crawls
        texts = observe(texts, article_text(page.title, page.sections), stamp)

    stored = load_thread(conn, article_id)
    ids = rekey(thread, stored.comments)
    kept = set(ids.values())
    rebuilt = [
        replace(
            k,
            key=ids.get(k.key, k.key),
            anchor=None if k.anchor is None else ids.get(k.anchor, k.anchor),
            parent=None if k.parent is None else ids.get(k.parent, k.parent),
        )
        for k in thread
    ]
    before = {k.key: k for k in stored.comments}
    lost = [
        replace(k, removed=k.removed or stamps[-1]) for k in stored.comments if k.key not in kept
    ]
    final = merged_order([*rebuilt, *lost])

    added = sum(1 for k in final if k.key < 0)
    edited = sum(
        1
        for k in rebuilt
        if k.key > 0
        and normalise_body(k.current.body) != normalise_body(before[k.key].current.body)
    )
    removed = sum(1 for k in final if k.removed is not None and k.key > 0) - sum(
        1 for k in stored.comments if k.removed is not None
    )
    current = max(texts, key=lambda v: (v.last, v.body))
    was = max(stored.texts, key=lambda v: (v.last, v.body)).body if stored.texts else ""
    text_edited = current.body != was
    same = [_state(k) for k in final] == [_state(k) for k in stored.comments]
    status: Status = "unchanged" if same and not text_edited else "changed"
    outcome = Reparse(article_id, status, len(pages), added, edited, max(removed, 0), text_edited)
    if dry_run:
        return outcome
    if status == "changed":
        newest = pages[-1][1]
        save_thread(
            conn,
            article_id,
            final,
            stored.stamp_ids(),
            stored.bodies,
            title=newest.title,
            blocks=newest.sections,
            digest=stored.content_hash,
        )
        save_texts(conn, article_id, list(texts), stored.stamp_ids())
        conn.execute("UPDATE articles SET title = ? WHERE id = ?", (newest.title, article_id))
    conn.execute(
        "UPDATE crawls SET parser_version = ? WHERE article_id = ?",
        (parser_version(), article_id),
    )
    return outcome


def _state(k: Known) -> tuple[object, ...]:
    return (
        k.key,
        k.current.body,
        sorted((v.body, v.first, v.last) for v in k.versions),
        k.parent_author,
        k.parent_author_verified,
        k.anchor,
        k.removed,
        k.parent,
        k.posted_at,
        k.posted_text,
        k.kind,
    )
