"""Reading pages from disk into the database: the I/O side of ingest."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from api.ingest.errors import PageError
from api.ingest.page import parse_page
from api.store.writes import IngestResult, store_page

PAGE_SUFFIXES = frozenset({".txt"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one file."""

    path: Path
    result: IngestResult | None = None
    error: str | None = None


def find_pages(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus `*.txt` files under folders, sorted and deduplicated."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix in PAGE_SUFFIXES:
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
    conn: sqlite3.Connection, paths: Iterable[Path], timezone: tzinfo
) -> Iterator[Outcome]:
    """Parse and store each file in its own transaction; a bad file is reported, not fatal."""
    for path in paths:
        try:
            page = parse_page(read_text(path), timezone)
        except OSError as exc:
            yield Outcome(path, error=f"cannot read: {exc.strerror or exc}")
            continue
        except PageError as exc:
            yield Outcome(path, error=str(exc))
            continue
        yield Outcome(path, result=store_page(conn, page))
