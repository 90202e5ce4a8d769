-- Articles, their sections and paragraphs, and comments with the rebuilt reply tree.
-- Times are integer Unix seconds (UTC).

CREATE TABLE articles (
    id                INTEGER PRIMARY KEY,
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
    commenter_count   INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE sections (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    UNIQUE (article_id, position)
) STRICT;

CREATE TABLE paragraphs (
    id          INTEGER PRIMARY KEY,
    section_id  INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('paragraph', 'caption', 'list')),
    text        TEXT    NOT NULL,
    UNIQUE (section_id, position)
) STRICT;

CREATE TABLE comments (
    id                      INTEGER PRIMARY KEY,
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
    UNIQUE (article_id, position)
) STRICT;

-- One index per filter offered on /v1/articles/{id}/comments, each ending in the keyset column.
CREATE INDEX comments_by_time      ON comments (article_id, posted_at, position);
CREATE INDEX comments_by_author    ON comments (article_id, author, position);
CREATE INDEX comments_by_verified  ON comments (article_id, author_verified, position);
CREATE INDEX comments_by_parent    ON comments (parent_id, position);
CREATE INDEX comments_top_level    ON comments (article_id, position) WHERE parent_author IS NULL;
