-- Thread order as one integer per comment (its rank in depth-first order within the article)
-- instead of a materialised path of 6-digit sibling ranks, which grew with every level: a
-- chain of 8,000 replies stored about 28 KB of path per comment, twice with its index.
ALTER TABLE comments ADD COLUMN thread_rank INTEGER NOT NULL DEFAULT 0;

UPDATE comments SET thread_rank = ranked.rank
FROM (
    SELECT id, row_number() OVER (PARTITION BY article_id ORDER BY thread_path) - 1 AS rank
    FROM comments
) AS ranked
WHERE ranked.id = comments.id;

DROP INDEX comments_by_thread;
ALTER TABLE comments DROP COLUMN thread_path;
CREATE INDEX comments_by_thread ON comments (article_id, thread_rank);
