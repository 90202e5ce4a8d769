"""Reading pages from disk into the database: the I/O side of ingest."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from api.ingest.errors import PageError
from api.ingest.model import ParsedPage
from api.ingest.packed import parse_packed, unpack
from api.ingest.page import parse_page
from api.intake.records import is_record_file, parse_date, read_records
from api.parsing.pool import ParsePool
from api.parsing.workers import ParseWorkers
from api.store.protocol import Crawl, CrawlResult, HashConflict, Source
from api.store.sqlite.crawls import ingest_crawl

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


def _seconds(when: datetime | None) -> int | None:
    return None if when is None else int(when.timestamp())


def _raw(text: str, timezone: tzinfo) -> Crawl:
    """The page to keep with its crawl, and the zone its times were read in."""
    return Crawl(text.encode("utf-8"), "text/plain", str(timezone))


Parser = ParsePool | ParseWorkers


@dataclass(frozen=True, slots=True)
class _Job:
    """A page read from disk and what to store with it, or why it could not be read."""

    where: str
    progress: int
    text: str = ""
    source: Source | None = None
    crawled_at: datetime | None = None
    error: str | None = None


def ingest_files(
    conn: sqlite3.Connection,
    paths: Iterable[Path],
    timezone: tzinfo,
    crawled_at: datetime | None = None,
    parser: Parser | None = None,
) -> Iterator[Outcome]:
    """Parse and store each page as a crawl, in its own transaction; a bad one is reported,
    not fatal. A re-crawl of a stored article is merged into it. Pages are parsed here, in
    `parser`'s process within its budget, or by `parser`'s workers side by side; they are
    stored and reported in their order either way.

    Page files hold one page; record files (JSONL, optionally gzipped) one page per line.
    Crawl times come from a record's `crawled_at`, else `crawled_at`, else the ingest time.
    """
    for job, parsed in _parsed(_jobs(paths, crawled_at), timezone, parser):
        if job.error is not None:
            yield Outcome(job.where, error=job.error, progress=job.progress)
            continue
        if isinstance(parsed, PageError):
            yield Outcome(job.where, error=str(parsed), progress=job.progress)
            continue
        assert parsed is not None
        assert job.source is not None
        try:
            result = ingest_crawl(conn, parsed, job.source, _raw(job.text, timezone))
        except (PageError, HashConflict) as exc:
            yield Outcome(job.where, error=str(exc), progress=job.progress)
            continue
        yield Outcome(
            job.where, result=result, progress=job.progress, warnings=tuple(parsed.warnings)
        )


def _parsed(
    jobs: Iterable[_Job], timezone: tzinfo, parser: Parser | None
) -> Iterator[tuple[_Job, ParsedPage | PageError | None]]:
    """Each job with its parsed page (or the PageError refusing it; None for a job that
    could not be read), in the jobs' order."""
    if isinstance(parser, ParseWorkers):
        work = ((job, None if job.error else (job.text, timezone, job.crawled_at)) for job in jobs)
        for job, parsed in parser.map(parse_packed, work):
            yield job, unpack(parsed) if isinstance(parsed, bytes) else parsed
        return
    for job in jobs:
        if job.error is not None:
            yield job, None
            continue
        try:
            if parser is None:
                yield job, parse_page(job.text, timezone, job.crawled_at)
            else:  # ParseBudgetExceeded is a PageError: a page over budget is reported
                yield job, parser.run(parse_page, job.text, timezone, job.crawled_at)
        except PageError as exc:
            yield job, exc


def _jobs(paths: Iterable[Path], crawled_at: datetime | None) -> Iterator[_Job]:
    """The pages of `paths` as they are read, one per page file or record."""
    for path in paths:
        if is_record_file(path):
            yield from _record_jobs(path, crawled_at)
            continue
        size = path.stat().st_size if path.exists() else 0
        try:
            text = read_text(path)
        except OSError as exc:
            yield _Job(str(path), size, error=f"cannot read: {exc.strerror or exc}")
            continue
        source = Source(crawled_at=_seconds(crawled_at))
        yield _Job(str(path), size, text, source, crawled_at)


def _record_jobs(path: Path, crawled_at: datetime | None) -> Iterator[_Job]:
    consumed = 0
    for line in read_records(path):
        where, step = f"{path}:{line.number}", line.offset - consumed
        consumed = line.offset
        if line.record is None:
            yield _Job(where, step, error=line.error)
            continue
        try:
            crawled = parse_date(line.record.crawled_at)
            when = crawled_at if crawled is None else datetime.fromtimestamp(crawled, UTC)
            source = Source(line.record.url, parse_date(line.record.date), _seconds(when))
        except PageError as exc:
            yield _Job(where, step, error=str(exc))
            continue
        yield _Job(where, step, line.record.text, source, when)
