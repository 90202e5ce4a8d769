"""Pages read from disk: page files and crawl-record files, parsed and handed to the store
(`threadbase ingest`)."""
