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
from schemas.authors import Author, AuthorPage
from schemas.comments import Comment, CommentPage, CommentRevisions, ParentResolution, Revision
from schemas.crawls import (
    ArticleRevision,
    ArticleRevisions,
    Crawl,
    CrawlChanges,
    CrawlOutcome,
    CrawlPage,
)
from schemas.health import Health
from schemas.problems import InvalidParam, Problem
from schemas.quotes import (
    Link,
    Quote,
    QuoteItem,
    QuoteKind,
    QuotePage,
    Speaker,
    SpeakerPage,
    SpeakerSummary,
)
from schemas.threads import (
    CommentContext,
    CommentNode,
    MissingParentNode,
    MoreNode,
    Thread,
    ThreadNode,
    ThreadSort,
)

__all__ = [
    "Article",
    "ArticleCounts",
    "ArticlePage",
    "ArticleRevision",
    "ArticleRevisions",
    "Author",
    "AuthorPage",
    "Comment",
    "CommentContext",
    "CommentNode",
    "CommentPage",
    "CommentRevisions",
    "Crawl",
    "CrawlChanges",
    "CrawlOutcome",
    "CrawlPage",
    "Health",
    "InvalidParam",
    "Link",
    "MissingParentNode",
    "MoreNode",
    "Paragraph",
    "ParagraphKind",
    "ParentResolution",
    "Problem",
    "Quote",
    "QuoteItem",
    "QuoteKind",
    "QuotePage",
    "Revision",
    "Section",
    "SectionPage",
    "Speaker",
    "SpeakerPage",
    "SpeakerSummary",
    "Thread",
    "ThreadNode",
    "ThreadSort",
]
