-- Public ids are never reused: articles, comments and quotes become AUTOINCREMENT tables
-- (SQLite's documented rebuild: create, copy with every id kept, drop, rename; run with
-- foreign keys off, then checked). `sqlite_sequence` then remembers the highest id ever
-- given, deleted or not. Also: the per-database secret that signs pagination cursors.

CREATE TABLE articles_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    content_hash      TEXT    NOT NULL UNIQUE,
    title             TEXT    NOT NULL,
    url               TEXT,
    ingested_at       INTEGER NOT NULL,
    first_comment_at  INTEGER,
    last_comment_at   INTEGER,
    section_count     INTEGER NOT NULL DEFAULT 0,
    paragraph_count   INTEGER NOT NULL DEFAULT 0,
    caption_count     INTEGER NOT NULL DEFAULT 0,
    comment_count     INTEGER NOT NULL DEFAULT 0,
    top_level_count   INTEGER NOT NULL DEFAULT 0,
    commenter_count   INTEGER NOT NULL DEFAULT 0,
    quote_count       INTEGER NOT NULL DEFAULT 0,
    published_at      INTEGER,
    updated_at        INTEGER
) STRICT;
INSERT INTO articles_new SELECT * FROM articles;
DROP TABLE articles;
ALTER TABLE articles_new RENAME TO articles;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.id;
END;

CREATE TABLE comments_new (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id              INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position                INTEGER NOT NULL,
    author                  TEXT    NOT NULL,
    author_verified         INTEGER NOT NULL CHECK (author_verified IN (0, 1)),
    posted_at               INTEGER NOT NULL,
    body                    TEXT    NOT NULL,
    parent_id               INTEGER REFERENCES comments (id) ON DELETE SET NULL
                                    DEFERRABLE INITIALLY DEFERRED,
    parent_author           TEXT,
    parent_author_verified  INTEGER CHECK (parent_author_verified IN (0, 1)),
    parent_resolution       TEXT    NOT NULL
                                    CHECK (parent_resolution IN ('exact', 'inferred', 'missing', 'none')),
    depth                   INTEGER NOT NULL,
    root_id                 INTEGER NOT NULL,
    reply_count             INTEGER NOT NULL DEFAULT 0,
    thread_path             TEXT    NOT NULL DEFAULT '',
    UNIQUE (article_id, position)
) STRICT;
INSERT INTO comments_new SELECT * FROM comments;
DROP TABLE comments;
ALTER TABLE comments_new RENAME TO comments;
CREATE INDEX comments_by_time        ON comments (article_id, posted_at, position);
CREATE INDEX comments_by_author      ON comments (article_id, author, position);
CREATE INDEX comments_by_verified    ON comments (article_id, author_verified, position);
CREATE INDEX comments_by_parent      ON comments (parent_id, position);
CREATE INDEX comments_top_level      ON comments (article_id, position) WHERE parent_author IS NULL;
CREATE INDEX comments_by_author_time ON comments (author, posted_at, id);
CREATE INDEX comments_by_thread      ON comments (article_id, thread_path);
CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts (rowid, body, author) VALUES (new.id, new.body, new.author);
END;
CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments BEGIN
    INSERT INTO comments_fts (comments_fts, rowid, body, author)
    VALUES ('delete', old.id, old.body, old.author);
END;

CREATE TABLE quotes_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id         INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    paragraph_id       INTEGER REFERENCES paragraphs (id) ON DELETE CASCADE,
    comment_id         INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    position           INTEGER NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('speech', 'title', 'scare')),
    nested             INTEGER NOT NULL CHECK (nested IN (0, 1)),
    text               TEXT    NOT NULL,
    start              INTEGER NOT NULL,
    "end"              INTEGER NOT NULL,
    speaker_id         INTEGER REFERENCES speakers (id) ON DELETE SET NULL,
    cue                TEXT,
    source_comment_id  INTEGER REFERENCES comments (id) ON DELETE SET NULL
                               DEFERRABLE INITIALLY DEFERRED,
    CHECK ((paragraph_id IS NULL) != (comment_id IS NULL))
) STRICT;
INSERT INTO quotes_new SELECT * FROM quotes;
DROP TABLE quotes;
ALTER TABLE quotes_new RENAME TO quotes;
CREATE INDEX quotes_by_paragraph ON quotes (paragraph_id, position) WHERE paragraph_id IS NOT NULL;
CREATE INDEX quotes_by_comment   ON quotes (comment_id, position) WHERE comment_id IS NOT NULL;
CREATE INDEX quotes_by_article   ON quotes (article_id, id);
CREATE INDEX quotes_by_speaker   ON quotes (speaker_id, id);
CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

-- Keys the server keeps for itself; 'cursor' signs pagination cursors unless
-- THREADBASE_SECRET is set. Random per database, so every worker and restart agrees.
CREATE TABLE secrets (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL
) STRICT;
INSERT INTO secrets (name, value) VALUES ('cursor', randomblob(32));
