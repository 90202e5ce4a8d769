-- Quotes with their speakers, and links, found in paragraphs and comments.

ALTER TABLE articles ADD COLUMN quote_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE speakers (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    aliases     TEXT    NOT NULL,  -- JSON array of the forms seen in the article
    UNIQUE (article_id, name)
) STRICT;

CREATE TABLE quotes (
    id                 INTEGER PRIMARY KEY,
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

CREATE INDEX quotes_by_paragraph ON quotes (paragraph_id, position) WHERE paragraph_id IS NOT NULL;
CREATE INDEX quotes_by_comment   ON quotes (comment_id, position) WHERE comment_id IS NOT NULL;
CREATE INDEX quotes_by_article   ON quotes (article_id, id);
CREATE INDEX quotes_by_speaker   ON quotes (speaker_id, id);

CREATE TABLE links (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    paragraph_id  INTEGER REFERENCES paragraphs (id) ON DELETE CASCADE,
    comment_id    INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    url           TEXT    NOT NULL,
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    CHECK ((paragraph_id IS NULL) != (comment_id IS NULL))
) STRICT;

CREATE INDEX links_by_paragraph ON links (paragraph_id, position) WHERE paragraph_id IS NOT NULL;
CREATE INDEX links_by_comment   ON links (comment_id, position) WHERE comment_id IS NOT NULL;
