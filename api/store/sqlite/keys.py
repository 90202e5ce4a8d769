"""API keys and idempotency records: the SQL of the write API's bookkeeping."""

from __future__ import annotations

import sqlite3
import time

import aiosqlite

from api.store.api_keys import NewKey
from api.store.protocol import IN_FLIGHT, STALE_CLAIM_SECONDS, KeyRecord, StoredResponse

_KEY_COLUMNS = "id, name, prefix, secret_hash, created_at, revoked_at"


def create_key(conn: sqlite3.Connection, name: str, key: NewKey) -> KeyRecord:
    """Store a new key's digest under `name`."""
    now = int(time.time())
    with conn:
        cursor = conn.execute(
            "INSERT INTO api_keys (name, prefix, secret_hash, created_at) VALUES (?, ?, ?, ?)",
            (name, key.prefix, key.digest, now),
        )
    assert cursor.lastrowid is not None
    return KeyRecord(cursor.lastrowid, name, key.prefix, key.digest, now, None)


def list_keys(conn: sqlite3.Connection) -> list[KeyRecord]:
    """Every key, oldest first."""
    return [
        KeyRecord(*row) for row in conn.execute(f"SELECT {_KEY_COLUMNS} FROM api_keys ORDER BY id")
    ]


def revoke_key(conn: sqlite3.Connection, prefix: str) -> bool:
    """Revoke the key with `prefix`; False when there is no such live key."""
    with conn:
        cursor = conn.execute(
            "UPDATE api_keys SET revoked_at = ? WHERE prefix = ? AND revoked_at IS NULL",
            (int(time.time()), prefix),
        )
    return cursor.rowcount > 0


async def find_key(conn: aiosqlite.Connection, prefix: str) -> KeyRecord | None:
    """The key with `prefix`, revoked or not."""
    found = await conn.execute_fetchall(
        f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE prefix = ?", (prefix,)
    )
    return next((KeyRecord(*row) for row in found), None)


def find_response(conn: sqlite3.Connection, key_id: int, key: str) -> StoredResponse | None:
    """The response recorded for an idempotency key."""
    row = conn.execute(
        "SELECT fingerprint, status, body, location FROM idempotency_keys "
        "WHERE api_key_id = ? AND key = ?",
        (key_id, key),
    ).fetchone()
    return None if row is None else StoredResponse(row[0], row[1], bytes(row[2]), row[3])


def claim(
    conn: sqlite3.Connection, key_id: int, key: str, fingerprint: str
) -> StoredResponse | None:
    """Claim an idempotency key for a request about to run: None when this request may run,
    else the record already there (`status == IN_FLIGHT` while its request still runs).

    One transaction, under the database's write lock, so of concurrent requests with one key
    (in any number of server processes) exactly one gets None.
    """
    now = int(time.time())
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = find_response(conn, key_id, key)
        created = conn.execute(
            "SELECT created_at FROM idempotency_keys WHERE api_key_id = ? AND key = ?",
            (key_id, key),
        ).fetchone()
        stale = (
            found is not None
            and found.status == IN_FLIGHT
            and created[0] < now - STALE_CLAIM_SECONDS
        )
        if found is None or stale:
            conn.execute(
                "INSERT OR REPLACE INTO idempotency_keys "
                "(api_key_id, key, fingerprint, status, body, location, created_at) "
                "VALUES (?, ?, ?, ?, ?, NULL, ?)",
                (key_id, key, fingerprint, IN_FLIGHT, b"", now),
            )
            found = None
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return found


def release(conn: sqlite3.Connection, key_id: int, key: str) -> None:
    """Give up a claim whose request failed, so a retry runs it again."""
    conn.execute(
        "DELETE FROM idempotency_keys WHERE api_key_id = ? AND key = ? AND status = ?",
        (key_id, key, IN_FLIGHT),
    )


def save_response(
    conn: sqlite3.Connection, key_id: int, key: str, response: StoredResponse
) -> None:
    """Record the response to an idempotent request, completing its claim."""
    conn.execute(
        "INSERT OR REPLACE INTO idempotency_keys "
        "(api_key_id, key, fingerprint, status, body, location, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            key_id,
            key,
            response.fingerprint,
            response.status,
            response.body,
            response.location,
            int(time.time()),
        ),
    )
