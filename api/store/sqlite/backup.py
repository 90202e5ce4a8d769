"""`threadbase backup`: a consistent copy of a live SQLite database (SQLite's online backup API).

The copy is made in one step of `sqlite3.Connection.backup`, so it is one read transaction:
a snapshot of the database as of its start. In WAL mode readers do not block writers, so a
server goes on writing meanwhile (a copy made in many small steps would instead restart each
time another connection writes, and might never finish under steady writes). The copy is
written beside DEST, checked with `PRAGMA integrity_check`, switched to a rollback journal (one
self-contained file) and only then renamed to DEST.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from api.store.sqlite.connections import BUSY_TIMEOUT_MS


class BackupError(Exception):
    """The copy could not be made, or failed its integrity check."""


@dataclass(frozen=True, slots=True)
class Backup:
    """What `backup` wrote."""

    path: Path
    bytes: int
    articles: int
    comments: int


def backup(source: Path, dest: Path) -> Backup:
    """Copy the database at `source` to the new file `dest`, while other processes write."""
    if not source.is_file():
        raise BackupError(f"{source}: no such database")
    if dest.exists():
        raise BackupError(f"{dest} exists; give a new file")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        src.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            src.backup(copy)  # pages=-1: the whole database in one step, one snapshot
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"the copy failed its integrity check: {problems[:5]}")
            articles = copy.execute("SELECT count(*) FROM articles").fetchone()[0]
            comments = copy.execute("SELECT count(*) FROM comments").fetchone()[0]
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    os.replace(partial, dest)
    return Backup(dest, dest.stat().st_size, int(articles), int(comments))
