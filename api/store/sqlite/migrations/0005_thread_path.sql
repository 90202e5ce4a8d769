-- Materialised thread paths: depth-first order (oldest first among siblings, orphans as
-- roots) as a sortable string of 6-digit sibling ranks, e.g. '000002.000000.000001'.
ALTER TABLE comments ADD COLUMN thread_path TEXT NOT NULL DEFAULT '';
CREATE INDEX comments_by_thread ON comments (article_id, thread_path);

WITH RECURSIVE
ranked (id, parent_id, seg) AS (
    SELECT id, parent_id,
           printf('%06d', row_number() OVER (
               PARTITION BY article_id, parent_id ORDER BY posted_at, position) - 1)
    FROM comments
),
paths (id, path) AS (
    SELECT id, seg FROM ranked WHERE parent_id IS NULL
    UNION ALL
    SELECT r.id, p.path || '.' || r.seg FROM ranked r JOIN paths p ON r.parent_id = p.id
)
UPDATE comments SET thread_path = (SELECT path FROM paths WHERE paths.id = comments.id);
