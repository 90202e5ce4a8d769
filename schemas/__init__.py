"""The public contract of Threadbase: msgspec Structs for validation, encoding and OpenAPI."""

from schemas.articles import (
    Article,
    ArticleCounts,
    ArticleInclude,
    ArticlePage,
    Paragraph,
    ParagraphKind,
    Section,
    SectionPage,
)
from schemas.authors import Author, AuthorPage
from schemas.comments import (
    Comment,
    CommentKind,
    CommentPage,
    CommentRevisions,
    CommentSort,
    ParentResolution,
    Revision,
)
from schemas.crawls import (
    ArticleRevision,
    ArticleRevisions,
    Crawl,
    CrawlChanges,
    CrawlOutcome,
    CrawlPage,
)
from schemas.health import Health
from schemas.problems import InvalidParam, ParamLocation, Problem
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
from schemas.search import SearchMode, SearchOrder, SearchType
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
    "ENUMS",
    "Article",
    "ArticleCounts",
    "ArticleInclude",
    "ArticlePage",
    "ArticleRevision",
    "ArticleRevisions",
    "Author",
    "AuthorPage",
    "Comment",
    "CommentContext",
    "CommentKind",
    "CommentNode",
    "CommentPage",
    "CommentRevisions",
    "CommentSort",
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
    "ParamLocation",
    "ParentResolution",
    "Problem",
    "Quote",
    "QuoteItem",
    "QuoteKind",
    "QuotePage",
    "Revision",
    "SearchMode",
    "SearchOrder",
    "SearchType",
    "Section",
    "SectionPage",
    "Speaker",
    "SpeakerPage",
    "SpeakerSummary",
    "Thread",
    "ThreadNode",
    "ThreadSort",
]

# Every named set of values in the contract: each becomes one OpenAPI enum component.
ENUMS = (
    "ArticleInclude",
    "CommentKind",
    "CommentSort",
    "CrawlOutcome",
    "ParagraphKind",
    "ParamLocation",
    "ParentResolution",
    "QuoteKind",
    "SearchMode",
    "SearchOrder",
    "SearchType",
    "ThreadSort",
)
