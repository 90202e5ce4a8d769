-- Full-text search over articles, comments and quotes (FTS5, bm25 ranking).
-- Comments and quotes use external-content tables kept in step by triggers; article text
-- (title plus every paragraph) is assembled at ingest and stored in its own table.

CREATE VIRTUAL TABLE comments_fts USING fts5(
    body, author,
    content = 'comments', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts (rowid, body, author) VALUES (new.id, new.body, new.author);
END;
CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments BEGIN
    INSERT INTO comments_fts (comments_fts, rowid, body, author)
    VALUES ('delete', old.id, old.body, old.author);
END;
INSERT INTO comments_fts (comments_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text,
    content = 'quotes', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.id;
END;
INSERT INTO articles_fts (rowid, title, body)
SELECT a.id, a.title, coalesce((
    SELECT group_concat(text, char(10)) FROM (
        SELECT p.text FROM sections s JOIN paragraphs p ON p.section_id = s.id
        WHERE s.article_id = a.id ORDER BY s.position, p.position
    )
), '')
FROM articles a;
