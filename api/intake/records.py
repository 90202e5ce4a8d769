"""Crawl-record files: one JSON object per line, optionally gzipped. Streamed, never loaded."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, cast

import msgspec

from api.ingest.times import in_range

RECORD_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")


class CrawlRecord(msgspec.Struct, forbid_unknown_fields=False):
    """The shape of common web-crawl datasets: the page text and where and when it was seen."""

    text: str
    url: str | None = None
    date: str | None = None
    crawled_at: str | None = None  # when the page was fetched: relative times read against it


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a record file: the record, or why it could not be read."""

    number: int
    record: CrawlRecord | None
    error: str | None
    offset: int  # bytes of the file consumed so far, for progress


def is_record_file(path: Path) -> bool:
    """Whether `path` names a JSONL crawl-record file."""
    return path.name.lower().endswith(RECORD_SUFFIXES)


def parse_date(value: str | None) -> int | None:
    """Unix seconds from an RFC 3339 time or a plain date; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:
            when = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp()) if in_range(when) else None


def read_records(path: Path) -> Iterator[Line]:
    """Yield every line of a record file, decoded or with its error."""
    decoder = msgspec.json.Decoder(CrawlRecord)
    with path.open("rb") as raw:
        stream: IO[bytes] = (
            cast("IO[bytes]", gzip.GzipFile(fileobj=raw)) if path.name.endswith(".gz") else raw
        )
        number = 0
        try:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    yield Line(number, decoder.decode(line), None, raw.tell())
                except (msgspec.ValidationError, msgspec.DecodeError) as exc:
                    yield Line(number, None, f"not a crawl record: {exc}", raw.tell())
        except (OSError, EOFError) as exc:  # truncated or corrupt gzip
            yield Line(number + 1, None, f"cannot read further: {exc}", raw.tell())
