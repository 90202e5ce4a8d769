"""Recompute every article's content hash from what is stored (migration 0010).

Before 0010 a raw page was identified by a hash of its text and a structured import by a hash of
its JSON, so the same article sent in both forms was stored twice. Both forms are now identified
by `api.ingest.identity`, and the stored rows hold everything that needs. Where two stored
articles turn out to be the same content, the older keeps the identity and the newer keeps its
old hash (it is still served; only a new write of that content finds the older one).
"""

from __future__ import annotations

import sqlite3
from itertools import groupby

from api.ingest.identity import CanonicalBlock, CanonicalComment, content_identity


def article_identity(conn: sqlite3.Connection, article_id: int, title: str) -> str:
    """The content identity of a stored article."""
    blocks = conn.execute(
        "SELECT s.position, p.kind, p.text FROM sections s "
        "JOIN paragraphs p ON p.section_id = s.id "
        "WHERE s.article_id = ? ORDER BY s.position, p.position",
        (article_id,),
    ).fetchall()
    sections: list[list[CanonicalBlock]] = [
        [(kind, text) for _, kind, text in rows] for _, rows in groupby(blocks, lambda r: r[0])
    ]
    comments: list[CanonicalComment] = [
        (
            author,
            bool(verified),
            None if posted_at is None else int(posted_at),
            body,
            parent_author,
            None if parent_verified is None else bool(parent_verified),
        )
        for author, verified, posted_at, body, parent_author, parent_verified in conn.execute(
            "SELECT author, author_verified, posted_at, body, parent_author, "
            "parent_author_verified FROM comments WHERE article_id = ? ORDER BY position",
            (article_id,),
        )
    ]
    return content_identity(title, sections, comments)


def rehash_articles(conn: sqlite3.Connection) -> int:
    """Give every stored article its content identity, in the caller's transaction; returns
    how many changed."""
    changed = 0
    taken: set[str] = set()
    articles = conn.execute("SELECT id, title, content_hash FROM articles ORDER BY id").fetchall()
    for article_id, title, old in articles:
        new = article_identity(conn, article_id, title)
        if new in taken or new == old:
            taken.add(old)
            continue
        taken.add(new)
        conn.execute("UPDATE articles SET content_hash = ? WHERE id = ?", (new, article_id))
        changed += 1
    return changed
