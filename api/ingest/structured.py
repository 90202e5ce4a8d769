"""The structured JSON import → a parsed page. Pure."""

from __future__ import annotations

from api.ingest.identity import page_identity
from api.ingest.model import Block, ParsedComment, ParsedPage
from api.ingest.page import assemble
from schemas.imports import ArticleImport


def page_from_import(data: ArticleImport) -> ParsedPage:
    """Build the same structure a raw page yields, with the same content identity."""
    sections = [
        [Block(p.kind, p.text.strip()) for p in section.paragraphs if p.text.strip()]
        for section in data.sections
    ]
    comments = [
        ParsedComment(
            position=i,
            author=c.author.strip(),
            author_verified=c.author_verified,
            posted_at=c.posted_at,
            body=c.body.strip(),
            parent_author=None if c.parent_author is None else c.parent_author.strip(),
            parent_author_verified=(
                None
                if c.parent_author is None
                else (True if c.parent_author_verified is None else c.parent_author_verified)
            ),
        )
        for i, c in enumerate(data.comments)
    ]
    title = data.title.strip()
    sections = [s for s in sections if s]
    return assemble(title, sections, comments, page_identity(title, sections, comments))
