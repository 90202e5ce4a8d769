"""The structured JSON import → a parsed page. Pure."""

from __future__ import annotations

import hashlib

import msgspec

from api.ingest.model import Block, ParsedComment, ParsedPage
from api.ingest.page import assemble
from schemas.imports import ArticleImport


def page_from_import(data: ArticleImport) -> ParsedPage:
    """Build the same structure a raw page yields; the content hash covers everything sent
    except `url` and `published_at`, which describe the source rather than the content."""
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
    content = msgspec.json.encode(
        [
            data.title.strip(),
            [[(b.kind, b.text) for b in s] for s in sections],
            [
                (
                    c.author,
                    c.author_verified,
                    c.posted_at,
                    c.body,
                    c.parent_author,
                    c.parent_author_verified,
                )
                for c in comments
            ],
        ]
    )
    digest = hashlib.sha256(b"import:" + content).hexdigest()
    return assemble(data.title.strip(), [s for s in sections if s], comments, digest)
