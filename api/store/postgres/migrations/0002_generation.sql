-- The data generation, as SQLite's migration 0015: one counter every write of the data bumps
-- in its own transaction (`bump_generation` in api/store/postgres/writes.py), read by each
-- request before the response cache or an ETag is used (api/http/response_cache.py), so every node
-- sees every node's writes.
CREATE TABLE data_generation (n bigint NOT NULL);
INSERT INTO data_generation (n) VALUES (1);
