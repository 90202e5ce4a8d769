-- Indexes for the cross-article lists: authors, speakers, quotes by speaker name.
CREATE INDEX comments_by_author_time ON comments (author, posted_at, id);
CREATE INDEX speakers_by_name ON speakers (name);
