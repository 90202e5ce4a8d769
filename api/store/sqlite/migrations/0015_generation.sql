-- The data generation: one counter that every write to the data bumps, read by each worker
-- process before it answers from its response cache or compares an ETag (api/http/response_cache.py).
-- The bump is in one place: `_transaction` in `api/store/sqlite/writes.py`, which every write of the data
-- runs in (it adds `UPDATE data_generation SET n = n + 1` to the transaction it commits), so a
-- new kind of write bumps it by using that function.
-- IF NOT EXISTS: tests (and an operator) may step user_version back over it.
CREATE TABLE IF NOT EXISTS data_generation (n INTEGER NOT NULL) STRICT;
INSERT INTO data_generation (n) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM data_generation);
