-- Re-crawls: one article per page however often it is crawled. Every ingest of a page is a
-- crawl (with its raw source, compressed); comments keep their ids across crawls and carry
-- when they were first seen, edited and removed; earlier texts are kept as versions.
-- Existing articles are adopted by `api.store.sqlite.backfill.backfill` in this migration's
-- transaction (see `api.store.sqlite.connections.migrate`): one crawl at their ingest time, without a stored source,
-- and their identity (canonical URL, text fingerprint), which needs Python (URL normalisation,
-- SHA-256). Articles that turn out to be one page are reported by `threadbase doctor`, never
-- merged here.

ALTER TABLE articles ADD COLUMN canonical_url TEXT;
ALTER TABLE articles ADD COLUMN text_fingerprint TEXT;  -- NULL until backfilled
ALTER TABLE articles ADD COLUMN last_crawl_id INTEGER;  -- the newest crawl (crawled_at order)
CREATE INDEX articles_by_canonical_url ON articles (canonical_url) WHERE canonical_url IS NOT NULL;
CREATE INDEX articles_by_text_fingerprint ON articles (text_fingerprint);

-- Raw pages as received, zlib-compressed, stored once however many crawls share them.
CREATE TABLE crawl_sources (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT    NOT NULL UNIQUE,
    media_type  TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    data        BLOB    NOT NULL
) STRICT;

-- Crawl ids are public (`/v1/articles/{id}/crawls`): never reused, like article ids.
CREATE TABLE crawls (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id        INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    crawled_at        INTEGER NOT NULL,
    ingested_at       INTEGER NOT NULL,
    content_hash      TEXT    NOT NULL,
    url               TEXT,
    source_id         INTEGER REFERENCES crawl_sources (id),
    timezone          TEXT,
    parser_version    TEXT,
    outcome           TEXT    NOT NULL
                              CHECK (outcome IN ('created', 'merged', 'unchanged', 'replaced')),
    comments          INTEGER NOT NULL,  -- comments on the crawled page
    comments_added    INTEGER NOT NULL DEFAULT 0,
    comments_edited   INTEGER NOT NULL DEFAULT 0,
    comments_removed  INTEGER NOT NULL DEFAULT 0,
    text_edited       INTEGER NOT NULL DEFAULT 0 CHECK (text_edited IN (0, 1)),
    UNIQUE (article_id, crawled_at, content_hash)
) STRICT;

-- Crawl references are crawls.id; the *_at columns repeat their crawled_at for reads.
ALTER TABLE comments ADD COLUMN anchor_id INTEGER;  -- comment before it on its first page
-- The parent the newest page showing it shows by nesting or number (not by a name). Rows from
-- before keep the parent they were given when the names left no doubt.
ALTER TABLE comments ADD COLUMN page_parent_id INTEGER;
UPDATE comments SET page_parent_id = parent_id WHERE parent_resolution = 'exact';
ALTER TABLE comments ADD COLUMN first_crawl_id INTEGER;
ALTER TABLE comments ADD COLUMN last_crawl_id INTEGER;
ALTER TABLE comments ADD COLUMN body_crawl_id INTEGER;  -- first crawl showing the current body
ALTER TABLE comments ADD COLUMN removed_crawl_id INTEGER;
ALTER TABLE comments ADD COLUMN first_seen_at INTEGER;
ALTER TABLE comments ADD COLUMN edited_at INTEGER;
ALTER TABLE comments ADD COLUMN removed_at INTEGER;
CREATE INDEX comments_by_first_seen ON comments (article_id, first_seen_at, position);

-- Earlier bodies of a comment (its current one is comments.body).
CREATE TABLE comment_revisions (
    id              INTEGER PRIMARY KEY,
    comment_id      INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    body            TEXT    NOT NULL,
    first_crawl_id  INTEGER NOT NULL,
    last_crawl_id   INTEGER NOT NULL
) STRICT;
CREATE INDEX comment_revisions_by_comment ON comment_revisions (comment_id);

-- Every text (title and paragraphs) an article was crawled with, the current one included.
CREATE TABLE article_versions (
    id              INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    text            TEXT    NOT NULL,
    first_crawl_id  INTEGER NOT NULL,
    last_crawl_id   INTEGER NOT NULL
) STRICT;
CREATE INDEX article_versions_by_article ON article_versions (article_id);

-- An edited comment body must reach the search index too.
CREATE TRIGGER comments_fts_update AFTER UPDATE OF body, author ON comments BEGIN
    INSERT INTO comments_fts (comments_fts, rowid, body, author)
    VALUES ('delete', old.id, old.body, old.author);
    INSERT INTO comments_fts (rowid, body, author) VALUES (new.id, new.body, new.author);
END;
