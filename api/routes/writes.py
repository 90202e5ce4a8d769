"""Creating, replacing and deleting articles. Every operation here needs an API key."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from litestar import Request, Response, delete, post, put
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, QueryParameter

from api.http.auth import require_api_key
from api.http.bodies import body_text, charset_of, request_body
from api.http.dependencies import StoreDependency
from api.http.openapi_body import PageBodyOperation
from api.http.openapi_docs import problem_responses
from api.http.params import rfc3339
from api.http.problems import (
    PROBLEM_BASE,
    ApiProblem,
    ParseBudgetProblem,
    ResourceNotFound,
    invalid,
)
from api.ingest.errors import PageError
from api.ingest.model import ParsedPage
from api.ingest.page import parse_page
from api.ingest.structured import page_from_import
from api.ingest.times import RANGE, first_out_of_range, in_range
from api.metrics import ingested
from api.parsing.pool import ParseBudgetExceeded, ParsePool
from api.routes.articles import ArticlePath, require_article
from api.store.protocol import (
    IN_FLIGHT,
    Crawl,
    CrawlResult,
    HashConflict,
    Source,
    StoredResponse,
)
from schemas import Article, CrawlChanges
from schemas.imports import PAGE_MEDIA_TYPE, ArticleImport, PageUpload
from schemas.problems import ParamLocation

T = TypeVar("T")
WRITE_ERRORS = (400, 401, 403, 413, 415, 422, 503)
Timezone = Annotated[
    str | None,
    QueryParameter(
        description="For `text/plain`: the IANA zone of the page's times (default UTC).",
        max_length=64,
    ),
]
SourceUrl = Annotated[
    str | None,
    QueryParameter(
        description="For `text/plain`: the page's source URL (http or https).", max_length=2048
    ),
]
PublishedAt = Annotated[
    str | None,
    QueryParameter(
        description="For `text/plain`: when the source published the page (RFC 3339).",
        format="date-time",
    ),
]
CrawledAt = Annotated[
    str | None,
    QueryParameter(
        description=(
            "For `text/plain`: when the page was crawled (RFC 3339). Relative comment times "
            "such as `2 hours ago` are read against it (null without it), and crawls of one "
            "page are merged in this order, whatever order they arrive in (default: now)."
        ),
        format="date-time",
    ),
]
WARNING_HEADER = "Threadbase-Warning"
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        description=(
            "Any unique string (up to 255 characters). A retry with the same key and body "
            "gets the first response again; the same key with another body is a 422."
        ),
        min_length=1,
        max_length=255,
    ),
]


class UnsupportedBody(ApiProblem):
    """415: neither a page nor the JSON import."""

    def __init__(self, media_type: str) -> None:
        super().__init__(
            status_code=415,
            type_=PROBLEM_BASE + "unsupported-media-type",
            title="Unsupported media type",
            detail=(
                f"Send the page as text/plain or {PAGE_MEDIA_TYPE}, or the import as "
                f"application/json, not {media_type or 'no Content-Type'}."
            ),
            headers={"Accept-Post": f"text/plain, {PAGE_MEDIA_TYPE}, application/json"},
        )


DOCUMENT_FACTOR = 6
"""How much more a page may weigh as JSON than as text: a control character is escaped in
six bytes, and a comment's field names take fewer than six times its shortest header line.
So whatever GET /document returns for a page within the limit, PUT accepts."""


def text_bytes(data: ArticleImport) -> int:
    """What a JSON document weighs as page text: the UTF-8 bytes of all of its text."""
    parts = [data.title, *(p.text for s in data.sections for p in s.paragraphs)]
    for c in data.comments:
        parts += [c.author, c.body, c.parent_author or ""]
    return sum(len(part.encode("utf-8")) for part in parts)


class PageTooLarge(ApiProblem):
    """413: the page, measured on its text, is over the limit."""

    def __init__(self, limit: int, what: str) -> None:
        super().__init__(
            status_code=413,
            type_=PROBLEM_BASE + "payload-too-large",
            title="Request body too large",
            detail=f"The text of a page may weigh {limit:,} bytes; {what} weighs more.",
        )


class Conflict(ApiProblem):
    """409 or 422: the request clashes with what is stored."""

    def __init__(self, status: int, slug: str, title: str, detail: str) -> None:
        super().__init__(status_code=status, type_=PROBLEM_BASE + slug, title=title, detail=detail)


async def read_page(
    request: Request[Any, Any, Any],
    parser: ParsePool,
    timezone: str | None,
    url: str | None,
    published_at: str | None,
    crawled_at: str | None = None,
) -> tuple[ParsedPage, Source, Crawl]:
    """The page in the request body, in either form, with its source details and the raw
    page to keep (the JSON import as sent; a page as its text, with the zone it was read in).

    The query parameters describe a text/plain page; they are validated whatever the body.
    Parsing runs in the parser process within the parse budget (422 when over it).
    """
    published = rfc3339("published_at", published_at)
    crawled = rfc3339("crawled_at", crawled_at)
    zone = _zone(timezone, "query")
    web_url("url", url)
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    body = await request_body(request)
    limit = request.app.state.settings.max_body_bytes
    if media_type in ("application/json", PAGE_MEDIA_TYPE) and charset_of(content_type):
        body = body_text(body, content_type).encode("utf-8")
    if media_type == "application/json":
        data = _decode(body, ArticleImport)
        web_url("$.url", data.url, "body")
        if text_bytes(data) > limit:
            raise PageTooLarge(limit, "the text of this document")
        if data.published_at is not None and not in_range(data.published_at):
            raise invalid("$.published_at", f"must lie from {RANGE}", "body")
        try:
            page = await parser.run_async(page_from_import, data)
        except ParseBudgetExceeded as exc:
            raise ParseBudgetProblem(exc.budget) from exc
        late = first_out_of_range(page)
        if late is not None:
            raise invalid(f"$.comments[{late}].posted_at", f"must lie from {RANGE}", "body")
        source = Source(data.url, _epoch(data.published_at), crawled)
        return page, source, Crawl(body, "application/json")
    if media_type == PAGE_MEDIA_TYPE:
        upload = _decode(body, PageUpload)
        web_url("$.url", upload.url, "body")
        text, url = upload.text, upload.url or url
        if upload.published_at is not None:
            if not in_range(upload.published_at):
                raise invalid("$.published_at", f"must lie from {RANGE}", "body")
            published = _epoch(upload.published_at)
        if upload.timezone:
            zone = _zone(upload.timezone, "body")
        if upload.crawled_at is not None:
            crawled = _epoch(upload.crawled_at)
    elif media_type == "text/plain":
        text = body_text(body, content_type)
    else:
        raise UnsupportedBody(media_type)
    if len(text.encode("utf-8")) > limit:
        raise PageTooLarge(limit, "this page")
    try:
        crawl_time = None if crawled is None else datetime.fromtimestamp(crawled, UTC)
        page = await parser.run_async(parse_page, text, zone, crawl_time)
    except ParseBudgetExceeded as exc:
        raise ParseBudgetProblem(exc.budget) from exc
    except PageError as exc:
        raise invalid("body", str(exc), "body") from exc
    late = first_out_of_range(page)  # whichever rendering read the page, the range holds
    if late is not None:
        raise invalid("body", f"comment {late + 1} is dated outside {RANGE}", "body")
    return (
        page,
        Source(url, published, crawled),
        Crawl(text.encode("utf-8"), "text/plain", zone.key),
    )


def _zone(name: str | None, location: ParamLocation) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise invalid("timezone", "is not a known IANA time zone", location) from exc


def _decode(body: bytes, kind: type[T]) -> T:
    """A JSON body as `kind`; a 400 naming the offending field when it is not one."""
    try:
        return msgspec.json.decode(body, type=kind)
    except msgspec.ValidationError as exc:
        path, reason = _error_path(str(exc))
        raise invalid(path, reason, "body") from exc
    except msgspec.DecodeError as exc:
        raise invalid("body", f"is not valid JSON ({exc})", "body") from exc


def web_url(name: str, value: str | None, location: ParamLocation = "query") -> None:
    """A source URL must be an absolute http or https URL; anything else is a 400 naming it."""
    if value is None:
        return
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise invalid(name, "must be an absolute http or https URL", location)


def _error_path(message: str) -> tuple[str, str]:
    """msgspec's "reason - at `$.a[0].b`" as (JSON path, reason); unknown fields get theirs."""
    reason, _, at = message.partition(" - at `")
    path = at.rstrip("`") or "$"
    unknown = re.search(r"unknown field `([^`]*)`", reason)
    if unknown:
        path = f"{path}.{unknown.group(1)}"
    return path, reason


def _epoch(value: datetime | None) -> int | None:
    if value is None:
        return None
    return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())


def _fingerprint(request: Request[Any, Any, Any], body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (
        request.method,
        request.url.path,
        request.url.query or "",
        request.headers.get("content-type", ""),
    ):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _changes(result: CrawlResult) -> CrawlChanges:
    return CrawlChanges(
        outcome=result.outcome,
        crawl_id=result.crawl_id,
        comments_added=result.added,
        comments_edited=result.edited,
        comments_removed=result.removed,
        text_edited=result.text_edited,
    )


def _duplicate(exc: HashConflict) -> Conflict:
    return Conflict(
        409,
        "duplicate-content",
        "Duplicate content",
        f"Article {exc.article_id} already holds this content.",
    )


def _location(article_id: int) -> str:
    return f"/v1/articles/{article_id}"


WRITE_OPTIONS: dict[str, Any] = {
    "cache_control": CacheControlHeader(no_store=True),
    "tags": ["articles"],
    "guards": [require_api_key],
    "security": [{"apiKey": []}],
}


@post(
    "/v1/articles",
    **WRITE_OPTIONS,
    operation_id="createArticle",
    summary="Create an article from a page",
    description=(
        "Parses and stores a page as a crawl. A page of a new article is a 201 with "
        "`Location`. A re-crawl of a stored article (same canonical URL, else the same title "
        "and text, else the same content) is merged into it: a 200 whose `changes` say what "
        "the crawl added, edited and removed; comments keep their ids. Honours "
        "`Idempotency-Key`."
    ),
    status_code=201,
    operation_class=PageBodyOperation,
    responses={
        200: ResponseSpec(
            data_container=Article,
            description="A re-crawl of a stored article, merged: the article and `changes`.",
            generate_examples=False,
        ),
        **problem_responses(*WRITE_ERRORS, 409),
    },
)
async def create_article(
    request: Request[Any, Any, Any],
    store: StoreDependency,
    parser: NamedDependency[ParsePool],
    timezone: Timezone = None,
    url: SourceUrl = None,
    published_at: PublishedAt = None,
    crawled_at: CrawledAt = None,
    idempotency_key: IdempotencyKey = None,
) -> Response[Article]:
    """Create the article, or merge the crawl into it."""
    key_id: int = request.state.api_key_id
    fingerprint = _fingerprint(request, await request.body())
    if idempotency_key is not None:
        stored = await store.claim(key_id, idempotency_key, fingerprint)
        if stored is not None:
            return _replay(stored, fingerprint)
    try:
        page, source, crawl = await read_page(
            request, parser, timezone, url, published_at, crawled_at
        )
        try:
            result = await store.ingest_crawl(page, source, crawl)
        except HashConflict as exc:
            raise _duplicate(exc) from exc
        ingested(result.outcome, result.comments if result.created else result.added)
        article = await require_article(store, result.article_id)
        article.changes = _changes(result)
        status = 201 if result.created else 200
        location = _location(result.article_id)
        if idempotency_key is not None:
            await store.save_response(
                key_id,
                idempotency_key,
                StoredResponse(fingerprint, status, msgspec.json.encode(article), location),
            )
    except BaseException:
        if idempotency_key is not None:
            await store.release(key_id, idempotency_key)
        raise
    header = "Location" if result.created else "Content-Location"
    headers = {header: location}
    if page.warnings:
        headers[WARNING_HEADER] = "; ".join(page.warnings)
    return Response(article, status_code=status, headers=headers)


def _replay(stored: StoredResponse, fingerprint: str) -> Response[Article]:
    """The recorded response to a key's first request; 422 for another request under the same
    key, 409 while the first one still runs (as concurrent retries would otherwise race)."""
    if stored.fingerprint != fingerprint:
        raise Conflict(
            422,
            "idempotency-key-reused",
            "Idempotency key reused",
            "This Idempotency-Key was used with a different request.",
        )
    if stored.status == IN_FLIGHT:
        raise ApiProblem(
            status_code=409,
            type_=PROBLEM_BASE + "idempotency-key-in-flight",
            title="Request in flight",
            detail="A request with this Idempotency-Key is still running; retry shortly.",
            headers={"Retry-After": "1"},
        )
    headers = {"Idempotent-Replayed": "true"}
    if stored.location:  # as the original: Location for a 201, else Content-Location
        headers["Location" if stored.status == 201 else "Content-Location"] = stored.location
    replayed = msgspec.json.decode(stored.body, type=Article)
    return Response(replayed, status_code=stored.status, headers=headers)


@put(
    "/v1/articles/{article_id:int}",
    **WRITE_OPTIONS,
    operation_id="replaceArticle",
    summary="Replace an article",
    description=(
        "Replaces the article's content with a new page, keeping its id (its comments get new "
        "ids and its crawl history starts again). Recorded as a crawl."
    ),
    operation_class=PageBodyOperation,
    responses=problem_responses(*WRITE_ERRORS, 404, 409),
)
async def replace_article(
    request: Request[Any, Any, Any],
    store: StoreDependency,
    parser: NamedDependency[ParsePool],
    article_id: ArticlePath,
    timezone: Timezone = None,
    url: SourceUrl = None,
    published_at: PublishedAt = None,
    crawled_at: CrawledAt = None,
) -> Article:
    """The article as stored after the replacement."""
    page, source, crawl = await read_page(request, parser, timezone, url, published_at, crawled_at)
    try:
        result = await store.replace_crawl(article_id, page, source, crawl)
    except HashConflict as exc:
        raise _duplicate(exc) from exc
    if result is None:
        raise ResourceNotFound("article", article_id)
    ingested("replaced", result.comments)
    article = await require_article(store, article_id)
    article.changes = _changes(result)
    return article


@delete(
    "/v1/articles/{article_id:int}",
    **WRITE_OPTIONS,
    operation_id="deleteArticle",
    summary="Delete an article",
    description="Deletes the article with its sections, comments, quotes and links.",
    responses=problem_responses(400, 401, 403, 404),
)
async def delete_article(store: StoreDependency, article_id: ArticlePath) -> None:
    """204 on success."""
    if not await store.delete_article(article_id):
        raise ResourceNotFound("article", article_id)
