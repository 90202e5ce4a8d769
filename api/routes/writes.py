"""Creating, replacing and deleting articles. Every operation here needs an API key."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiosqlite
import msgspec
from litestar import Request, Response, delete, post, put
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, QueryParameter

from api.auth import require_api_key
from api.errors import PROBLEM_BASE, ApiProblem, ResourceNotFound, invalid
from api.ingest.errors import PageError
from api.ingest.model import ParsedPage
from api.ingest.page import parse_page
from api.ingest.structured import page_from_import
from api.openapi_body import PageBodyOperation
from api.openapi_docs import problem_responses
from api.params import rfc3339
from api.routes.articles import ArticlePath, require_article
from api.store import crawls
from api.store import keys as key_store
from api.store.crawls import Crawl, CrawlResult
from api.store.writes import HashConflict, Source
from api.store.writes import delete_article as delete_article_rows
from api.writer import Writer
from schemas import Article, CrawlChanges
from schemas.imports import ArticleImport

WRITE_ERRORS = (400, 401, 403, 413, 415)
Timezone = Annotated[
    str | None,
    QueryParameter(
        description="For `text/plain`: the IANA zone of the page's times (default UTC).",
        max_length=64,
    ),
]
SourceUrl = Annotated[
    str | None,
    QueryParameter(description="For `text/plain`: the page's source URL.", max_length=2048),
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
            "When the page was fetched (RFC 3339; default: now). Crawls of one page are merged "
            "in this order, whatever order they arrive in."
        ),
        format="date-time",
    ),
]
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
                f"Send the page as text/plain or the import as application/json, not "
                f"{media_type or 'no Content-Type'}."
            ),
            headers={"Accept-Post": "text/plain, application/json"},
        )


class Conflict(ApiProblem):
    """409 or 422: the request clashes with what is stored."""

    def __init__(self, status: int, slug: str, title: str, detail: str) -> None:
        super().__init__(status_code=status, type_=PROBLEM_BASE + slug, title=title, detail=detail)


async def read_page(
    request: Request[Any, Any, Any],
    timezone: str | None,
    url: str | None,
    published_at: str | None,
) -> tuple[ParsedPage, Source, bytes]:
    """The page in the request body, in either form, with its source details and raw body.

    The query parameters describe a text/plain page; they are validated whatever the body.
    """
    published = rfc3339("published_at", published_at)
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise invalid("timezone", "is not a known IANA time zone") from exc
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if media_type == "application/json":
        try:
            data = msgspec.json.decode(body, type=ArticleImport)
        except msgspec.ValidationError as exc:
            path, reason = _error_path(str(exc))
            raise invalid(path, reason, "body") from exc
        except msgspec.DecodeError as exc:
            raise invalid("body", f"is not valid JSON ({exc})", "body") from exc
        return page_from_import(data), Source(data.url, _epoch(data.published_at)), body
    if media_type != "text/plain":
        raise UnsupportedBody(media_type)
    try:
        page = parse_page(body.decode("utf-8"), zone)
    except UnicodeDecodeError as exc:
        raise invalid("body", "is not UTF-8 text", "body") from exc
    except PageError as exc:
        raise invalid("body", str(exc), "body") from exc
    return page, Source(url, published), body


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


def _crawl(
    request: Request[Any, Any, Any], body: bytes, crawled_at: str | None, zone: str | None
) -> Crawl:
    """The crawl a write records: its time, and the raw page to keep."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return Crawl(rfc3339("crawled_at", crawled_at), body, media_type, zone)


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
        "and text) is merged into it: a 200 whose `changes` say what the crawl added, edited "
        "and removed; comments keep their ids. Honours `Idempotency-Key`."
    ),
    status_code=201,
    operation_class=PageBodyOperation,
    responses={
        200: ResponseSpec(
            data_container=Article,
            description="A re-crawl of a stored article, merged: the article and `changes`.",
            generate_examples=False,
        ),
        **problem_responses(*WRITE_ERRORS, 422),
    },
)
async def create_article(
    request: Request[Any, Any, Any],
    db: NamedDependency[aiosqlite.Connection],
    writer: NamedDependency[Writer],
    timezone: Timezone = None,
    url: SourceUrl = None,
    published_at: PublishedAt = None,
    crawled_at: CrawledAt = None,
    idempotency_key: IdempotencyKey = None,
) -> Response[Article]:
    """Create the article, or merge the crawl into it."""
    page, source, body = await read_page(request, timezone, url, published_at)
    crawl = _crawl(request, body, crawled_at, timezone)
    key_id: int = request.state.api_key_id
    fingerprint = _fingerprint(request, body)
    if idempotency_key is not None:
        stored = await writer.run(key_store.find_response, key_id, idempotency_key)
        if stored is not None:
            if stored.fingerprint != fingerprint:
                raise Conflict(
                    422,
                    "idempotency-key-reused",
                    "Idempotency key reused",
                    "This Idempotency-Key was used with a different request.",
                )
            headers = {"Idempotent-Replayed": "true"}
            if stored.location:
                headers["Location"] = stored.location
            replayed = msgspec.json.decode(stored.body, type=Article)
            return Response(replayed, status_code=stored.status, headers=headers)
    try:
        result = await writer.run(crawls.ingest_crawl, page, source, crawl)
    except HashConflict as exc:
        raise _duplicate(exc) from exc
    article = await require_article(db, result.article_id)
    article.changes = _changes(result)
    status = 201 if result.created else 200
    location = _location(result.article_id)
    encoded = msgspec.json.encode(article)
    if idempotency_key is not None:
        await writer.run(
            key_store.save_response,
            key_id,
            idempotency_key,
            key_store.StoredResponse(fingerprint, status, encoded, location),
        )
    header = "Location" if result.created else "Content-Location"
    return Response(article, status_code=status, headers={header: location})


@put(
    "/v1/articles/{article_id:int}",
    **WRITE_OPTIONS,
    operation_id="replaceArticle",
    summary="Replace an article",
    description=(
        "Replaces the article's content with a new page, keeping its id (its comments get new "
        "ids). Recorded as a crawl."
    ),
    operation_class=PageBodyOperation,
    responses=problem_responses(*WRITE_ERRORS, 404, 409),
)
async def replace_article(
    request: Request[Any, Any, Any],
    db: NamedDependency[aiosqlite.Connection],
    writer: NamedDependency[Writer],
    article_id: ArticlePath,
    timezone: Timezone = None,
    url: SourceUrl = None,
    published_at: PublishedAt = None,
    crawled_at: CrawledAt = None,
) -> Article:
    """The article as stored after the replacement."""
    page, source, body = await read_page(request, timezone, url, published_at)
    crawl = _crawl(request, body, crawled_at, timezone)
    try:
        result = await writer.run(crawls.replace_crawl, article_id, page, source, crawl)
    except HashConflict as exc:
        raise _duplicate(exc) from exc
    if result is None:
        raise ResourceNotFound("article", article_id)
    article = await require_article(db, article_id)
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
async def delete_article(writer: NamedDependency[Writer], article_id: ArticlePath) -> None:
    """204 on success."""
    if not await writer.run(delete_article_rows, article_id):
        raise ResourceNotFound("article", article_id)
