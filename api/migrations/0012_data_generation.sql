-- The data generation: one counter that every write to the data bumps, read by each worker
-- process before it answers from its response cache or compares an ETag (api/response_cache.py).
-- Every write path touches its article's row (insert, counts update, delete), so triggers on
-- `articles` alone see every change; they cost one row update per article, not per comment.
CREATE TABLE data_generation (n INTEGER NOT NULL) STRICT;
INSERT INTO data_generation (n) VALUES (1);
CREATE TRIGGER data_generation_article_insert AFTER INSERT ON articles BEGIN
    UPDATE data_generation SET n = n + 1;
END;
CREATE TRIGGER data_generation_article_update AFTER UPDATE ON articles BEGIN
    UPDATE data_generation SET n = n + 1;
END;
CREATE TRIGGER data_generation_article_delete AFTER DELETE ON articles BEGIN
    UPDATE data_generation SET n = n + 1;
END;
