"""Reading pages from disk into the database: the I/O side of ingest."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from api.ingest.errors import PageError
from api.ingest.model import ParsedPage
from api.ingest.page import parse_page
from api.parse_pool import ParsePool
from api.records import is_record_file, parse_date, read_records
from api.store.crawls import Crawl, CrawlResult, ingest_crawl
from api.store.writes import HashConflict, Source

PAGE_SUFFIXES = frozenset({".txt"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one page: a file, or one record of a record file (`where` says)."""

    where: str
    result: CrawlResult | None = None
    error: str | None = None
    progress: int = 0  # bytes of input consumed since the previous outcome
    warnings: tuple[str, ...] = ()


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


def _parse(
    text: str, timezone: tzinfo, crawled_at: datetime | None, parser: ParsePool | None
) -> ParsedPage:
    """Parse in `parser`'s process within its budget (ParseBudgetExceeded is a PageError,
    so a page over budget is reported and skipped), or here when there is no parser."""
    if parser is None:
        return parse_page(text, timezone, crawled_at)
    return parser.run(parse_page, text, timezone, crawled_at)


def _seconds(when: datetime | None) -> int | None:
    return None if when is None else int(when.timestamp())


def _raw(text: str, timezone: tzinfo) -> Crawl:
    """The page to keep with its crawl, and the zone its times were read in."""
    return Crawl(text.encode("utf-8"), "text/plain", str(timezone))


def ingest_files(
    conn: sqlite3.Connection,
    paths: Iterable[Path],
    timezone: tzinfo,
    crawled_at: datetime | None = None,
    parser: ParsePool | None = None,
) -> Iterator[Outcome]:
    """Parse and store each page as a crawl, in its own transaction; a bad one is reported,
    not fatal. A re-crawl of a stored article is merged into it.

    Page files hold one page; record files (JSONL, optionally gzipped) one page per line.
    Crawl times come from a record's `crawled_at`, else `crawled_at`, else the ingest time.
    """
    for path in paths:
        if is_record_file(path):
            yield from _ingest_records(conn, path, timezone, crawled_at, parser)
            continue
        size = path.stat().st_size if path.exists() else 0
        try:
            text = read_text(path)
            page = _parse(text, timezone, crawled_at, parser)
            source = Source(crawled_at=_seconds(crawled_at))
            result = ingest_crawl(conn, page, source, _raw(text, timezone))
        except OSError as exc:
            yield Outcome(str(path), error=f"cannot read: {exc.strerror or exc}", progress=size)
            continue
        except (PageError, HashConflict) as exc:
            yield Outcome(str(path), error=str(exc), progress=size)
            continue
        yield Outcome(str(path), result=result, progress=size, warnings=tuple(page.warnings))


def _ingest_records(
    conn: sqlite3.Connection,
    path: Path,
    timezone: tzinfo,
    crawled_at: datetime | None,
    parser: ParsePool | None,
) -> Iterator[Outcome]:
    consumed = 0
    for line in read_records(path):
        where, step = f"{path}:{line.number}", line.offset - consumed
        consumed = line.offset
        if line.record is None:
            yield Outcome(where, error=line.error, progress=step)
            continue
        try:
            crawled = parse_date(line.record.crawled_at)
            when = crawled_at if crawled is None else datetime.fromtimestamp(crawled, UTC)
            source = Source(line.record.url, parse_date(line.record.date), _seconds(when))
            page = _parse(line.record.text, timezone, when, parser)
            result = ingest_crawl(conn, page, source, _raw(line.record.text, timezone))
        except (PageError, HashConflict) as exc:
            yield Outcome(where, error=str(exc), progress=step)
            continue
        yield Outcome(where, result=result, progress=step, warnings=tuple(page.warnings))
