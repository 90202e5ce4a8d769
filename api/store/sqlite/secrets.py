"""Secrets the server keeps in its own database."""

from __future__ import annotations

import secrets
import sqlite3


def cursor_secret(conn: sqlite3.Connection) -> bytes:
    """The key that signs this database's cursors: made by migration 0008, or here if it is
    gone; the same for every worker and across restarts."""
    conn.execute(
        "INSERT OR IGNORE INTO secrets (name, value) VALUES ('cursor', ?)",
        (secrets.token_bytes(32),),
    )
    value: bytes = conn.execute("SELECT value FROM secrets WHERE name = 'cursor'").fetchone()[0]
    return value
