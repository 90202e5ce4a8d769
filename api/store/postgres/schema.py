"""PostgreSQL migrations: numbered SQL files under `api/store/postgres/migrations/`.

Each runs in its own transaction and is recorded in `schema_migrations`; a session advisory
lock makes N nodes starting at once apply each migration exactly once.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from api.store.migrations import Migration, shipped

PgConnection: TypeAlias = "asyncpg.Connection[Any] | PoolConnectionProxy[Any]"
"""A connection, opened alone or taken from the pool."""
MIGRATION_LOCK = 0x7468_7264  # pg_advisory_lock key held while migrating ("thrd")
CRAWLS_MIGRATION = 3  # adopts the articles stored before it into the crawl model


def migrations() -> list[Migration]:
    """Every PostgreSQL migration shipped with the package, in version order."""
    return shipped("api.store.postgres.migrations")


async def applied_version(conn: PgConnection) -> int:
    """The newest migration applied (0 on an empty database)."""
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return 0
    return int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations"))


async def migrate(conn: PgConnection) -> int:
    """Apply every pending migration; returns the version reached."""
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version integer PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())"
        )
        current = await applied_version(conn)
        for migration in migrations():
            if migration.version <= current:
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                if migration.version == CRAWLS_MIGRATION:
                    from api.store.postgres.crawls import backfill

                    await backfill(conn)  # identities need Python (URLs, SHA-256)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
            current = migration.version
        return current
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
