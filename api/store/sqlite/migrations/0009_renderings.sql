-- Comments read from any site's rendering: the time as the page shows it, pingbacks and
-- trackbacks, and times that cannot be known (a relative time with no crawl time) as NULL.
-- Articles keep their byline and the name of the rendering that read their comments.
ALTER TABLE articles ADD COLUMN byline TEXT;
ALTER TABLE articles ADD COLUMN comment_rendering TEXT;
ALTER TABLE comments ADD COLUMN posted_text TEXT;
ALTER TABLE comments ADD COLUMN kind TEXT NOT NULL DEFAULT 'comment'
    CHECK (kind IN ('comment', 'trackback'));

-- posted_at becomes nullable: move it to a new column. Keyset reads sort an unknown time as -1
-- (before every known one), so the time indexes are on that expression.
DROP INDEX comments_by_time;
DROP INDEX comments_by_author_time;
ALTER TABLE comments ADD COLUMN posted_at_new INTEGER;
UPDATE comments SET posted_at_new = posted_at;
ALTER TABLE comments DROP COLUMN posted_at;
ALTER TABLE comments RENAME COLUMN posted_at_new TO posted_at;
CREATE INDEX comments_by_time ON comments (article_id, coalesce(posted_at, -1), position);
CREATE INDEX comments_by_author_time ON comments (author, coalesce(posted_at, -1), id);
