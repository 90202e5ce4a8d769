-- Content identity no longer depends on the form an article arrived in (raw page or JSON
-- import): `api.store.sqlite.rehash.rehash_articles` recomputes every content_hash from the stored
-- title, blocks and comments, in this migration's transaction (see `api.store.sqlite.connections.migrate`).
SELECT 1;
