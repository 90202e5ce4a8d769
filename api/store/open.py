"""Open the store the settings name: PostgreSQL when a database URL is set, else SQLite."""

from __future__ import annotations

from api.settings import Settings
from api.store.protocol import Store


async def open_store(settings: Settings) -> Store:
    """The store for `settings`, migrated and ready; close it with `Store.close`."""
    if settings.database_url is not None:
        from api.store.postgres.store import PostgresStore

        return await PostgresStore.open(
            settings.database_url,
            search_deadline=settings.search_deadline_seconds,
            read_urls=settings.read_database_urls,
        )
    from api.store.sqlite.store import SqliteStore

    return await SqliteStore.open(settings.db_path, settings.search_deadline_seconds)
