-- The write API: source dates, replacement times, API keys (hashed) and idempotency records.
ALTER TABLE articles ADD COLUMN published_at INTEGER;
ALTER TABLE articles ADD COLUMN updated_at INTEGER;

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL UNIQUE,
    secret_hash  TEXT    NOT NULL,  -- SHA-256 of the whole key, hex
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
) STRICT;

CREATE TABLE idempotency_keys (
    api_key_id   INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    key          TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,  -- SHA-256 of method, path, content type and body
    status       INTEGER NOT NULL,
    body         BLOB    NOT NULL,
    location     TEXT,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, key)
) STRICT;
