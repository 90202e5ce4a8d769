"""What a store answers: the one seam between the routes and a database engine.

`api.store.sqlite.store` (SQLite, the embedded default) and `api.store.postgres` (PostgreSQL,
for N stateless API nodes) each implement `Store` with their own SQL; both build the public
Structs through `api.store.rows`. The types the routes hand in (filters, search kinds, a page's
source and raw crawl) and the records writes give back (ingest and crawl results, API keys,
idempotent responses, the hash conflict) live here so neither engine owns them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Protocol, TypeVar

from msgspec import Meta

from api.ingest.model import ParsedPage
from api.store.api_keys import NewKey
from api.threads.layout import Skeleton
from schemas import (
    Article,
    ArticleRevision,
    Author,
    Comment,
    CommentRevisions,
    CommentSort,
    QuoteItem,
    Section,
    Speaker,
    SpeakerSummary,
)
from schemas import Crawl as CrawlRecord
from schemas.common import MAX_ID
from schemas.imports import ArticleImport
from schemas.threads import CommentNode

# What writes hand in and get back: the same for every engine.

Outcome = Literal["created", "merged", "unchanged", "replaced"]


@dataclass(frozen=True, slots=True)
class Crawl:
    """The raw page as received, kept (compressed) to be re-read by a later parser; when it
    was fetched is the source's `crawled_at`."""

    raw: bytes | None = None
    media_type: str = "text/plain"  # or application/json: the structured import
    timezone: str | None = None  # the zone a text page's times were read in


@dataclass(frozen=True, slots=True)
class CrawlResult:
    """What one crawl did to its article."""

    article_id: int
    outcome: Outcome
    comments: int  # comments the article has now (removed ones included)
    added: int = 0
    edited: int = 0
    removed: int = 0
    text_edited: bool = False
    crawl_id: int | None = None  # None: this very crawl was stored before

    @property
    def created(self) -> bool:
        """Whether the crawl made a new article."""
        return self.outcome == "created"


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """A stored key, without its secret."""

    id: int
    name: str
    prefix: str
    digest: str
    created_at: int
    revoked_at: int | None


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """The response first given to an idempotent request."""

    fingerprint: str
    status: int
    body: bytes
    location: str | None


IN_FLIGHT = 0  # the `status` of a claimed key whose request has not answered yet
STALE_CLAIM_SECONDS = 120
"""A claim older than this is taken to be of a request that died, and may be taken over."""


@dataclass(frozen=True, slots=True)
class IngestResult:
    """Outcome of storing one page."""

    article_id: int
    created: bool
    comments: int


@dataclass(frozen=True, slots=True)
class Source:
    """What the crawl knows about a page besides its text."""

    url: str | None = None
    published_at: int | None = None  # Unix seconds
    crawled_at: int | None = None  # Unix seconds: when the page was fetched; None: now


class HashConflict(Exception):
    """Another article already holds this content."""

    def __init__(self, article_id: int) -> None:
        self.article_id = article_id
        super().__init__(f"article {article_id} already holds this content")


@dataclass(frozen=True, slots=True)
class CommentFilter:
    """Filters of the comment list; None means not filtered."""

    author: str | None = None
    verified: bool | None = None
    parent_id: int | None = None
    top_level: bool | None = None
    since: int | None = None
    until: int | None = None
    seen_since: int | None = None
    removed: bool | None = None


@dataclass(frozen=True, slots=True)
class QuoteFilter:
    """Filters of the quote lists; None means not filtered."""

    article_id: Annotated[int, Meta(ge=1, le=MAX_ID)] | None = None
    speaker: str | None = None
    in_comments: bool | None = None
    kind: str | None = None


P = TypeVar("P")


class StoreBusy(Exception):
    """The database could not answer now (a deadline passed, a lock is held): a 503 to retry."""


class SearchSyntaxError(ValueError):
    """The engine rejected a raw (`mode=fts`) query."""


SearchKind = Literal["article", "comment", "quote"]
SearchOrder = Literal["rank", "newest"]
FTS_COLUMNS: dict[str, tuple[str, ...]] = {
    "article": ("title", "body"),
    "comment": ("body", "author"),
    "quote": ("text",),
}
"""The columns an FTS query may filter on (`column:word`), per kind."""
RANK_WINDOW = 2_000
"""Ranking covers at most this many of the newest matches: the cost of ranking grows with the
matches, and a word in most documents would otherwise take hundreds of milliseconds."""


@dataclass(frozen=True, slots=True)
class SearchRows:
    """A page of hits in order: `(rowid, score, detail row)`; `floor` bounds the rank window;
    `marks` wrap the matches in each row's snippet (its last column). A detail row is
    `(id, title, _, snippet)` for articles, `(id, article_id, author, posted_at, _, snippet)`
    for comments and `(id, article_id, comment_id, speaker, _, snippet)` for quotes."""

    hits: list[tuple[int, float, Any]]
    floor: int | None
    marks: tuple[str, str] = ("", "")


class Store(Protocol):
    """Every read and write the API makes. Lists are keyset-paginated: callers ask for one row
    more than a page to learn whether another page follows."""

    engine: str
    """`sqlite` or `postgresql`."""

    # Health and articles
    async def schema_version(self) -> int:
        """The newest migration applied."""
        ...

    async def count_articles(self) -> int:
        """Number of stored articles."""
        ...

    async def health(self) -> tuple[int, int]:
        """`(schema_version, articles)` on a connection no other request waits for."""
        ...

    async def list_articles(self, *, before_id: int | None, limit: int) -> list[Article]:
        """Articles newest first (by ingest order), after the keyset `before_id`."""
        ...

    async def get_article(self, article_id: int) -> Article | None:
        """One article, or None."""
        ...

    async def list_sections(
        self, article_id: int, *, after_position: int | None, limit: int
    ) -> list[Section]:
        """Sections with their paragraphs in page order."""
        ...

    async def list_speakers(self, article_id: int) -> list[Speaker]:
        """People quoted in an article, by name, with their speech quote counts."""
        ...

    async def article_document(self, article: Article) -> ArticleImport:
        """An article in the structured form that POST and PUT accept."""
        ...

    # Comments and threads
    async def count_comments(self, article_id: int, filters: CommentFilter, stored: int) -> int:
        """Rows matching `filters`; without filters, the counter `stored` with the article."""
        ...

    async def list_comments(
        self,
        article_id: int,
        *,
        filters: CommentFilter,
        sort: CommentSort,
        after: list[int] | None,
        limit: int,
    ) -> tuple[list[Comment], list[int]]:
        """A page of an article's comments after the keyset `after` (`sort=thread`: the
        position of the last row), with each row's thread rank."""
        ...

    async def article_comments(
        self,
        article_id: int,
        *,
        filters: CommentFilter,
        sort: CommentSort,
        after: list[int] | None,
        limit: int,
    ) -> tuple[Article | None, list[Comment]]:
        """The article (None when there is none) and a page of its comments as
        `list_comments` reads it (without the thread ranks)."""
        ...

    async def article_tree(
        self, article_id: int, plan: Callable[[list[Skeleton]], tuple[P, list[int]]]
    ) -> tuple[Article, P, dict[int, CommentNode]] | None:
        """An article's reply tree in one call: the article, what `plan` makes of its thread
        skeleton, and the comments `plan` picks (its ids) as nodes with their replies still
        empty; None when there is no such article. `plan` is pure; it runs between the reads
        (on SQLite, on the connection's thread: one hand-off for the whole tree)."""
        ...

    async def get_comment_nodes(self, ids: list[int]) -> dict[int, CommentNode]:
        """Comments by id as reply-tree nodes, their replies still empty."""
        ...

    async def get_comment(self, comment_id: int) -> Comment | None:
        """One comment, or None."""
        ...

    async def get_comments(self, ids: list[int]) -> dict[int, Comment]:
        """Full comments by id."""
        ...

    async def thread_skeleton(self, article_id: int) -> list[Skeleton]:
        """The tree-shaping columns of every comment of an article (no bodies)."""
        ...

    # Quotes and people
    async def list_quotes(
        self, *, filters: QuoteFilter, after_id: int | None, limit: int
    ) -> list[QuoteItem]:
        """Quotes in ingest order with where they were found."""
        ...

    async def list_speaker_summaries(
        self, *, after_anchor: int | None, limit: int
    ) -> list[tuple[SpeakerSummary, int]]:
        """People quoted across articles, by name, each with its anchor id; a LookupError when
        the anchor is gone."""
        ...

    async def list_authors(
        self, *, after_anchor: int | None, limit: int
    ) -> list[tuple[Author, int]]:
        """Commenters across articles, by name, each with its anchor (first comment id); a
        LookupError when the anchor is gone."""
        ...

    async def list_author_comments(
        self, author: str, *, before: list[int] | None, limit: int
    ) -> list[Comment]:
        """One author's comments across articles, newest first."""
        ...

    # Search
    async def search(
        self,
        kind: SearchKind,
        query: str,
        *,
        words: list[str] | None,
        order: SearchOrder,
        after: list[Any] | None,
        floor: int | None,
        limit: int,
        new_marks: Callable[[], tuple[str, str]],
    ) -> SearchRows:
        """Matches of `query` (an FTS5 expression, see `api.store.fts.fts_query`), ranked or
        newest first, held to the search deadline; SearchSyntaxError for a bad query. `words`
        are the plain words of the query (None for raw syntax), for an engine that treats
        very common words apart."""
        ...

    # Writes
    async def store_page(self, page: ParsedPage, source: Source) -> IngestResult:
        """Store a parsed page in one transaction; a page already stored is left as it is."""
        ...

    async def delete_article(self, article_id: int) -> bool:
        """Delete an article and everything under it; False when there was none."""
        ...

    # Re-crawls (issue 11)
    async def ingest_crawl(self, page: ParsedPage, source: Source, crawl: Crawl) -> CrawlResult:
        """Store a crawled page in one transaction: a new article, or a merge into the article
        it is a crawl of (same canonical URL, else the same text, else the same content)."""
        ...

    async def replace_crawl(
        self, article_id: int, page: ParsedPage, source: Source, crawl: Crawl
    ) -> CrawlResult | None:
        """PUT: replace an article's content and start its crawl history again with `crawl`;
        None when there is no such article."""
        ...

    async def list_crawls(
        self, article_id: int, *, after: list[int] | None, limit: int
    ) -> list[CrawlRecord]:
        """An article's crawls, oldest `crawled_at` first, after the keyset `after`."""
        ...

    async def article_revisions(self, article_id: int) -> list[ArticleRevision]:
        """The texts an article had in earlier crawls, oldest first."""
        ...

    async def comment_revisions(self, comment_id: int) -> CommentRevisions | None:
        """A comment's current and earlier bodies, or None when there is no such comment."""
        ...

    async def cursor_secret(self) -> bytes:
        """The key that signs this database's cursors, the same for every node."""
        ...

    # API keys and idempotency
    async def create_key(self, name: str, key: NewKey) -> KeyRecord:
        """Store a new key's digest under `name`."""
        ...

    async def list_keys(self) -> list[KeyRecord]:
        """Every key, oldest first."""
        ...

    async def revoke_key(self, prefix: str) -> bool:
        """Revoke the key with `prefix`; False when there is no such live key."""
        ...

    async def find_key(self, prefix: str) -> KeyRecord | None:
        """The key with `prefix`, revoked or not."""
        ...

    async def claim(self, key_id: int, key: str, fingerprint: str) -> StoredResponse | None:
        """Claim an idempotency key: None when this request may run, else the record there;
        of concurrent claims of one key (on any node) exactly one gets None."""
        ...

    async def release(self, key_id: int, key: str) -> None:
        """Give up a claim whose request failed."""
        ...

    async def save_response(self, key_id: int, key: str, response: StoredResponse) -> None:
        """Record the response to an idempotent request, completing its claim."""
        ...

    async def data_generation(self) -> int:
        """The data generation: a number every write of the data moves on."""
        ...

    async def replica_lag(self) -> tuple[float, int] | None:
        """How far the read databases trail the primary, the furthest behind: `(seconds since
        the last transaction it replayed was committed, when WAL waits to be replayed; bytes of
        the primary's WAL not yet replayed)`; `(0, 0)` where reads use the primary; None when
        it cannot be read now."""
        ...

    def connections(self) -> dict[str, tuple[int, int]]:
        """`{pool: (open, in use)}` for the pools whose size changes (PostgreSQL's), read when
        /metrics is scraped; fixed connections (SQLite's) are counted where they open."""
        ...

    async def close(self) -> None:
        """Close every connection."""
        ...
