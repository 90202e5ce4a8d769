"""Taking a database back to the schema before migration 0014, to test upgrades in place."""

from __future__ import annotations

import sqlite3

COMMENT_COLUMNS_0014 = (
    "anchor_id",
    "page_parent_id",
    "first_crawl_id",
    "last_crawl_id",
    "body_crawl_id",
    "removed_crawl_id",
    "first_seen_at",
    "edited_at",
    "removed_at",
)
ARTICLE_COLUMNS_0014 = ("canonical_url", "text_fingerprint", "last_crawl_id")


def undo_recrawls(conn: sqlite3.Connection) -> None:
    """Drop what migration 0014 added and set the schema version to 13."""
    script = [
        "DROP TRIGGER comments_fts_update",
        "DROP TABLE comment_revisions",
        "DROP TABLE article_versions",
        "DROP TABLE crawls",
        "DROP TABLE crawl_sources",
        "DROP INDEX comments_by_first_seen",
        "DROP INDEX articles_by_canonical_url",
        "DROP INDEX articles_by_text_fingerprint",
        *(f"ALTER TABLE comments DROP COLUMN {c}" for c in COMMENT_COLUMNS_0014),
        *(f"ALTER TABLE articles DROP COLUMN {c}" for c in ARTICLE_COLUMNS_0014),
        "DELETE FROM sqlite_sequence WHERE name = 'crawls'",
        "PRAGMA user_version = 13",
    ]
    conn.executescript(";\n".join(script) + ";")
