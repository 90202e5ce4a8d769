"""The public contract of Threadbase: msgspec Structs for validation, encoding and OpenAPI."""

from schemas.articles import (
    Article,
    ArticleCounts,
    ArticlePage,
    Paragraph,
    ParagraphKind,
    Section,
    SectionPage,
)
from schemas.comments import Comment, CommentPage, ParentResolution
from schemas.health import Health
from schemas.problems import InvalidParam, Problem
from schemas.quotes import Link, Quote, QuoteKind, Speaker

__all__ = [
    "Article",
    "ArticleCounts",
    "ArticlePage",
    "Comment",
    "CommentPage",
    "Health",
    "InvalidParam",
    "Link",
    "Paragraph",
    "ParagraphKind",
    "ParentResolution",
    "Problem",
    "Quote",
    "QuoteKind",
    "Section",
    "SectionPage",
    "Speaker",
]
