"""API keys, idempotency records and the cursor secret on PostgreSQL."""

from __future__ import annotations

import secrets
import time

from api.store.api_keys import NewKey
from api.store.postgres.schema import PgConnection
from api.store.protocol import IN_FLIGHT, STALE_CLAIM_SECONDS, KeyRecord, StoredResponse

_KEY_COLUMNS = "id, name, prefix, secret_hash, created_at, revoked_at"


async def create_key(conn: PgConnection, name: str, key: NewKey) -> KeyRecord:
    """Store a new key's digest under `name`."""
    now = int(time.time())
    key_id = await conn.fetchval(
        "INSERT INTO api_keys (name, prefix, secret_hash, created_at) VALUES ($1, $2, $3, $4) "
        "RETURNING id",
        name,
        key.prefix,
        key.digest,
        now,
    )
    return KeyRecord(key_id, name, key.prefix, key.digest, now, None)


async def list_keys(conn: PgConnection) -> list[KeyRecord]:
    """Every key, oldest first."""
    return [
        KeyRecord(*row)
        for row in await conn.fetch(f"SELECT {_KEY_COLUMNS} FROM api_keys ORDER BY id")
    ]


async def revoke_key(conn: PgConnection, prefix: str) -> bool:
    """Revoke the key with `prefix`; False when there is no such live key."""
    status = await conn.execute(
        "UPDATE api_keys SET revoked_at = $1 WHERE prefix = $2 AND revoked_at IS NULL",
        int(time.time()),
        prefix,
    )
    return bool(status != "UPDATE 0")


async def find_key(conn: PgConnection, prefix: str) -> KeyRecord | None:
    """The key with `prefix`, revoked or not."""
    row = await conn.fetchrow(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE prefix = $1", prefix)
    return None if row is None else KeyRecord(*row)


async def claim(
    conn: PgConnection, key_id: int, key: str, fingerprint: str
) -> StoredResponse | None:
    """Claim an idempotency key (see `api.store.sqlite.keys.claim`). The primary key decides: of
    concurrent INSERTs of one key on any node, one inserts and the others wait for it, then
    find its row and lock it to judge whether it is a stale claim to take over."""
    now = int(time.time())
    async with conn.transaction():
        inserted = await conn.fetchval(
            "INSERT INTO idempotency_keys "
            "(api_key_id, key, fingerprint, status, body, location, created_at) "
            "VALUES ($1, $2, $3, $4, ''::bytea, NULL, $5) "
            "ON CONFLICT (api_key_id, key) DO NOTHING RETURNING 1",
            key_id,
            key,
            fingerprint,
            IN_FLIGHT,
            now,
        )
        if inserted is not None:
            return None
        row = await conn.fetchrow(
            "SELECT fingerprint, status, body, location, created_at FROM idempotency_keys "
            "WHERE api_key_id = $1 AND key = $2 FOR UPDATE",
            key_id,
            key,
        )
        if row is None:  # released meanwhile: this request may run
            await conn.execute(
                "INSERT INTO idempotency_keys "
                "(api_key_id, key, fingerprint, status, body, location, created_at) "
                "VALUES ($1, $2, $3, $4, ''::bytea, NULL, $5) ON CONFLICT DO NOTHING",
                key_id,
                key,
                fingerprint,
                IN_FLIGHT,
                now,
            )
            return None
        if row[1] == IN_FLIGHT and row[4] < now - STALE_CLAIM_SECONDS:
            await conn.execute(
                "UPDATE idempotency_keys SET fingerprint = $3, created_at = $4 "
                "WHERE api_key_id = $1 AND key = $2",
                key_id,
                key,
                fingerprint,
                now,
            )
            return None
        return StoredResponse(row[0], row[1], bytes(row[2]), row[3])


async def release(conn: PgConnection, key_id: int, key: str) -> None:
    """Give up a claim whose request failed, so a retry runs it again."""
    await conn.execute(
        "DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND status = $3",
        key_id,
        key,
        IN_FLIGHT,
    )


async def save_response(
    conn: PgConnection, key_id: int, key: str, response: StoredResponse
) -> None:
    """Record the response to an idempotent request, completing its claim."""
    await conn.execute(
        "INSERT INTO idempotency_keys "
        "(api_key_id, key, fingerprint, status, body, location, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (api_key_id, key) DO UPDATE SET "
        "fingerprint = excluded.fingerprint, status = excluded.status, body = excluded.body, "
        "location = excluded.location, created_at = excluded.created_at",
        key_id,
        key,
        response.fingerprint,
        response.status,
        response.body,
        response.location,
        int(time.time()),
    )


async def cursor_secret(conn: PgConnection) -> bytes:
    """The key that signs this database's cursors, made by the first node to ask."""
    await conn.execute(
        "INSERT INTO secrets (name, value) VALUES ('cursor', $1) ON CONFLICT DO NOTHING",
        secrets.token_bytes(32),
    )
    value: bytes = await conn.fetchval("SELECT value FROM secrets WHERE name = 'cursor'")
    return value
