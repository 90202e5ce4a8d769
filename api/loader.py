"""Reading pages from disk into the database: the I/O side of ingest."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from api.ingest.errors import PageError
from api.ingest.page import parse_page
from api.records import is_record_file, parse_date, read_records
from api.store.crawls import Crawl, CrawlResult, ingest_crawl
from api.store.writes import Source

PAGE_SUFFIXES = frozenset({".txt"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one page: a file, or one record of a record file (`where` says)."""

    where: str
    result: CrawlResult | None = None
    error: str | None = None
    progress: int = 0  # bytes of input consumed since the previous outcome


def find_pages(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus page and record files under folders, sorted, deduplicated."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and (child.suffix in PAGE_SUFFIXES or is_record_file(child)):
                    found[child] = None
        else:
            found[path] = None
    return list(found)


def read_text(path: Path) -> str:
    """Page text: UTF-8, or Windows-1252 for older crawls, never failing on a stray byte."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def ingest_files(
    conn: sqlite3.Connection,
    paths: Iterable[Path],
    timezone: tzinfo,
    crawled_at: int | None = None,
) -> Iterator[Outcome]:
    """Parse and store each page as a crawl, in its own transaction; a bad one is reported,
    not fatal. A re-crawl of a stored article is merged into it.

    Page files hold one page; record files (JSONL, optionally gzipped) one page per line.
    Crawl times come from a record's `crawled_at`, else `crawled_at`, else the ingest time.
    """
    zone = str(timezone)
    for path in paths:
        if is_record_file(path):
            yield from _ingest_records(conn, path, timezone, crawled_at)
            continue
        size = path.stat().st_size if path.exists() else 0
        try:
            text = read_text(path)
            page = parse_page(text, timezone)
        except OSError as exc:
            yield Outcome(str(path), error=f"cannot read: {exc.strerror or exc}", progress=size)
            continue
        except PageError as exc:
            yield Outcome(str(path), error=str(exc), progress=size)
            continue
        crawl = Crawl(crawled_at, text.encode("utf-8"), "text/plain", zone)
        yield Outcome(str(path), result=ingest_crawl(conn, page, Source(), crawl), progress=size)


def _ingest_records(
    conn: sqlite3.Connection, path: Path, timezone: tzinfo, crawled_at: int | None
) -> Iterator[Outcome]:
    consumed = 0
    for line in read_records(path):
        where, step = f"{path}:{line.number}", line.offset - consumed
        consumed = line.offset
        if line.record is None:
            yield Outcome(where, error=line.error, progress=step)
            continue
        try:
            page = parse_page(line.record.text, timezone)
        except PageError as exc:
            yield Outcome(where, error=str(exc), progress=step)
            continue
        record = line.record
        source = Source(url=record.url, published_at=parse_date(record.date))
        when = parse_date(record.crawled_at) if record.crawled_at else crawled_at
        crawl = Crawl(when, record.text.encode("utf-8"), "text/plain", str(timezone))
        yield Outcome(where, result=ingest_crawl(conn, page, source, crawl), progress=step)
