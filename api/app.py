"""`create_app(settings)`: the only place that wires plugins, routes and the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, Contact, License, SecurityScheme, Server, Tag
from litestar.plugins.problem_details import ProblemDetailsPlugin

from api import db
from api.deps import provide_db, provide_writer
from api.errors import problem_details_config
from api.http import (
    ETagMiddleware,
    RequestIdMiddleware,
    compression_config,
    cors_config,
    rate_limit_config,
)
from api.params import reject_unknown_query_params
from api.response_cache import Generation, ResponseCache
from api.routes.articles import ArticleController
from api.routes.authors import AuthorController
from api.routes.comments import CommentController
from api.routes.exports import ExportController
from api.routes.health import health
from api.routes.quotes import QuoteController
from api.routes.search import search
from api.routes.threads import ThreadController
from api.routes.writes import create_article, delete_article, replace_article
from api.settings import Settings
from api.writer import Writer

API_VERSION = "1.0.0"


def openapi_config() -> OpenAPIConfig:
    """OpenAPI document metadata; the document itself is generated from the routes."""
    return OpenAPIConfig(
        title="Threadbase API",
        version=API_VERSION,
        description=(
            "Articles and their reader-comment threads, parsed from crawled pages. "
            'Lists are keyset-paginated (`limit`, opaque `cursor`, `Link: rel="next"`); '
            "every error is an RFC 9457 `application/problem+json` document."
        ),
        contact=Contact(name="Threadbase", url="https://threadbase.dev"),
        license=License(name="MIT", identifier="MIT"),
        servers=[Server(url="http://127.0.0.1:8000", description="Local development")],
        tags=[
            Tag(name="articles", description="Ingested articles and their text."),
            Tag(name="comments", description="Reader comments and the rebuilt reply tree."),
            Tag(name="threads", description="Comments nested as bounded reply trees."),
            Tag(name="search", description="Full-text search."),
            Tag(name="quotes", description="Quotations and the people quoted."),
            Tag(name="authors", description="People who comment."),
            Tag(name="exports", description="Bulk downloads, streamed."),
            Tag(name="meta", description="Service health."),
        ],
        use_handler_docstrings=False,
        components=[
            Components(
                security_schemes={
                    "apiKey": SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="API key from `threadbase keys create`; reads need none.",
                    )
                }
            ),
        ],
        path="/docs",
        create_examples=False,
    )


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the ASGI app for `settings` (read from the environment when omitted)."""
    settings = settings or Settings.from_env()
    generation = Generation(settings.db_path)
    # ETags name the code's representation too: a new API or schema version issues new ones.
    cache = ResponseCache(settings.response_cache_bytes, f"{API_VERSION}:{db.latest_version()}")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.writer = Writer(settings.db_path)  # creates the file, applies migrations
        app.state.db = await db.connect_reader(settings.db_path)
        generation.open()
        try:
            yield
        finally:
            generation.close()
            await app.state.db.close()
            app.state.writer.close()

    middleware: list[Any] = [RequestIdMiddleware]
    if settings.rate_limit_per_minute > 0:
        middleware.append(rate_limit_config(settings.rate_limit_per_minute).middleware)
    middleware.append(DefineMiddleware(ETagMiddleware, cache=cache, generation=generation))

    return Litestar(
        route_handlers=[
            ArticleController,
            CommentController,
            ThreadController,
            QuoteController,
            AuthorController,
            ExportController,
            create_article,
            replace_article,
            delete_article,
            search,
            health,
        ],
        dependencies={"db": Provide(provide_db), "writer": Provide(provide_writer)},
        before_request=reject_unknown_query_params,
        plugins=[ProblemDetailsPlugin(problem_details_config())],
        middleware=middleware,
        compression_config=compression_config(),
        cors_config=cors_config(),
        cache_control=CacheControlHeader(public=True, max_age=settings.cache_max_age),
        lifespan=[lifespan],
        openapi_config=openapi_config(),
        request_max_body_size=settings.max_body_bytes,
        debug=settings.debug,
    )
