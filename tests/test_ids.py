"""Public ids are never handed out twice, also in databases made before migration 0008."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from api.store.api_keys import make_key
from api.store.sqlite import connections as db
from api.store.sqlite.keys import create_key
from api.store.sqlite.writes import delete_article
from tests.conftest import EDGE, SEED, ingest

Client = AsyncTestClient[Litestar]
PUBLIC = {"articles": "id", "comments": "id", "quotes": "id"}


def ids(path: Path) -> dict[str, list[int]]:
    conn = sqlite3.connect(path)
    found = {t: [r[0] for r in conn.execute(f"SELECT id FROM {t} ORDER BY id")] for t in PUBLIC}
    conn.close()
    return found


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[tuple[Client, dict[str, str]]]:
    path = tmp_path / "t.db"
    conn = db.connect(path)
    key = make_key()
    create_key(conn, "test", key)
    conn.close()
    async with AsyncTestClient(create_app(Settings(db_path=path))) as c:
        yield c, {"Authorization": f"Bearer {key.token}", "Content-Type": "text/plain"}


async def test_ids_of_a_deleted_article_are_not_given_again(
    client: tuple[Client, dict[str, str]],
) -> None:
    c, headers = client
    seed = SEED.read_text(encoding="utf-8")
    first = (await c.post("/v1/articles", content=seed, headers=headers)).json()
    first_comments = (await c.get(f"/v1/articles/{first['id']}/comments?limit=500")).json()
    first_quotes = (await c.get(f"/v1/articles/{first['id']}/quotes?limit=500")).json()
    assert (await c.delete(f"/v1/articles/{first['id']}", headers=headers)).status_code == 204
    again = (await c.post("/v1/articles", content=seed, headers=headers)).json()
    assert again["id"] > first["id"]
    comments = (await c.get(f"/v1/articles/{again['id']}/comments?limit=500")).json()
    quotes = (await c.get(f"/v1/articles/{again['id']}/quotes?limit=500")).json()
    assert min(x["id"] for x in comments["items"]) > max(x["id"] for x in first_comments["items"])
    assert min(x["id"] for x in quotes["items"]) > max(x["id"] for x in first_quotes["items"])
    for comment in comments["items"]:
        assert (await c.get(f"/v1/comments/{comment['id']}")).json()["article_id"] == again["id"]


def test_migration_keeps_every_id_and_stops_reuse(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in db.migrations():
        if migration.version <= 6:
            conn.executescript(migration.sql + f"\nPRAGMA user_version = {migration.version};")
    conn.executescript(  # the schema-6 writer kept no sequence; this one needs the table
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT); DROP TABLE t;"
    )
    conn.close()
    ingest(path, SEED, EDGE)  # db.connect migrates here: 6 -> latest
    upgraded = sqlite3.connect(path)
    assert upgraded.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert upgraded.execute("PRAGMA foreign_key_check").fetchall() == []
    assert upgraded.execute("PRAGMA foreign_keys").fetchone() == (0,)  # a fresh connection
    upgraded.close()
    before = ids(path)
    conn = db.connect(path)
    delete_article(conn, 2)
    conn.close()
    remaining = ids(path)
    ingest(path, EDGE)
    after = ids(path)
    assert after["articles"] == [1, 3]
    assert len(after["comments"]) == len(before["comments"])
    for table in PUBLIC:
        freed = set(before[table]) - set(remaining[table])
        assert not freed & set(after[table]), table


def test_an_existing_database_is_upgraded_with_its_ids(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in db.migrations():
        if migration.version <= 6:
            conn.executescript(migration.sql + f"\nPRAGMA user_version = {migration.version};")
    conn.executescript("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT); DROP TABLE t;")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(
        "INSERT INTO articles (id, content_hash, title, ingested_at) VALUES (7, 'h', 't', 0)"
    )
    conn.execute(
        "INSERT INTO comments (id, article_id, position, author, author_verified, posted_at, "
        "body, parent_resolution, depth, root_id) VALUES (40, 7, 0, 'a', 1, 0, 'b', 'none', 0, 40)"
    )
    conn.close()
    migrated = db.connect(path)
    assert migrated.execute("SELECT id FROM articles").fetchall() == [(7,)]
    assert migrated.execute("SELECT id, article_id FROM comments").fetchall() == [(40, 7)]
    assert migrated.execute(
        "SELECT rowid FROM comments_fts WHERE comments_fts MATCH 'b'"
    ).fetchall() == [(40,)]
    migrated.close()
