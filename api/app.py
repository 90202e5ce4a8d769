"""`create_app(settings)`: the only place that wires plugins, routes and the lifespan."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, Contact, License, SecurityScheme, Tag
from litestar.plugins.problem_details import ProblemDetailsPlugin
from litestar.stores.base import Store

from api import metrics
from api.http.asgi import Threadbase
from api.http.dependencies import Provided
from api.http.metrics_route import MetricsController, metrics_middleware
from api.http.middleware import ETagMiddleware, compression_config, cors_config, require_acceptable
from api.http.openapi_contract import publish_contract
from api.http.pagination import Cursors
from api.http.params import reject_unknown_query_params
from api.http.problems import problem_details_config
from api.http.ratelimit import STORE_NAME, rate_limit_config, rate_limit_store
from api.http.response_cache import Generation, ResponseCache, StoreGeneration, code_digest
from api.parsing.pool import ParsePool
from api.reader import docs_render_plugins, reader_routes
from api.routes.articles import ArticleController
from api.routes.authors import AuthorController
from api.routes.comments import CommentController
from api.routes.crawls import CrawlController
from api.routes.exports import ExportController
from api.routes.health import health
from api.routes.quotes import QuoteController
from api.routes.search import search
from api.routes.threads import ThreadController
from api.routes.writes import DOCUMENT_FACTOR, create_article, delete_article, replace_article
from api.settings import Settings
from api.store.open import open_store
from api.store.sqlite.store import SqliteStore

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
        tags=[
            Tag(name="articles", description="Ingested articles and their text."),
            Tag(name="comments", description="Reader comments and the rebuilt reply tree."),
            Tag(name="threads", description="Comments nested as bounded reply trees."),
            Tag(name="crawls", description="Every ingest of a page, and what it changed."),
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
        render_plugins=docs_render_plugins(),
        create_examples=False,
    )


async def check_request(request: Request[Any, Any, Any]) -> None:
    """Before every handler: only declared query parameters, and an answer the client takes."""
    await reject_unknown_query_params(request)
    await require_acceptable(request)


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the ASGI app for `settings` (read from the environment when omitted)."""
    settings = settings or Settings.from_env()
    on_postgres = settings.database_url is not None
    # SQLite: read on the event loop from the file; PostgreSQL: asked of the primary.
    generation = StoreGeneration() if on_postgres else Generation(settings.db_path)
    # ETags name the code's representation too: new code issues new ones. With read replicas
    # the cache is off: a replica may still serve the data of an older generation.
    cache_bytes = (
        0 if on_postgres and settings.read_database_urls else settings.response_cache_bytes
    )
    cache = ResponseCache(cache_bytes, code_digest())

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.store = await open_store(settings)  # applies migrations
        secret = (
            settings.secret.encode("utf-8")
            if settings.secret
            else await app.state.store.cursor_secret()
        )
        app.state.cursors = Cursors(secret)
        app.state.parser = ParsePool(settings.parse_budget_seconds)
        app.state.parser.warm()
        store = app.state.store
        opened = SqliteStore.CONNECTIONS if isinstance(store, SqliteStore) else {}
        for pool, count in opened.items():
            metrics.connections_opened(pool, count)
        metrics.replica_lag(await store.replica_lag())  # 0 for SQLite: one file
        if isinstance(generation, StoreGeneration):
            generation.open(store)
        else:
            generation.open()
        try:
            yield
        finally:
            generation.close()
            await app.state.store.close()
            for pool, count in opened.items():
                metrics.connections_opened(pool, -count)
            metrics.pool_sizes(dict.fromkeys(store.connections(), (0, 0)))
            metrics.worker_stopped()

    middleware: list[Any] = [metrics_middleware()]
    stores: dict[str, Store] = {}
    if settings.rate_limit_per_minute > 0:
        middleware.append(rate_limit_config(settings.rate_limit_per_minute).middleware)
        stores[STORE_NAME] = rate_limit_store(settings.db_path, settings.redis_url)
    middleware.append(DefineMiddleware(ETagMiddleware, cache=cache, generation=generation))
    if settings.database_url is not None and settings.read_database_urls:
        from api.store.postgres.replicas import ReadRouting

        middleware.insert(0, ReadRouting)

    state = State({"settings": settings})
    provided = Provided(state)
    json_logs = settings.log_format == "json"
    # JSON: the logging set up by `threadbase serve` (api/http/logs.py) stays; else Litestar's own.
    logging_options: dict[str, Any] = {"logging_config": None} if json_logs else {}
    app = Threadbase(
        route_handlers=[
            ArticleController,
            CommentController,
            CrawlController,
            ThreadController,
            QuoteController,
            AuthorController,
            ExportController,
            create_article,
            replace_article,
            delete_article,
            search,
            health,
            MetricsController,
            *reader_routes(),
        ],
        dependencies={
            "store": Provide(provided.store),
            "parser": Provide(provided.parser),
        },
        before_request=check_request,
        plugins=[ProblemDetailsPlugin(problem_details_config())],
        middleware=middleware,
        compression_config=compression_config(),
        cors_config=cors_config(),
        cache_control=CacheControlHeader(public=True, max_age=settings.cache_max_age),
        lifespan=[lifespan],
        stores=stores,
        openapi_config=openapi_config(),
        # The JSON form of a page weighs more than its text: up to DOCUMENT_FACTOR times.
        # read_page measures either form against max_body_bytes on the page's text.
        request_max_body_size=settings.max_body_bytes * DOCUMENT_FACTOR,
        state=state,
        debug=settings.debug,
        **logging_options,
    )
    app.access_log = json_logs
    publish_contract(app)
    return app


def serve_app() -> Litestar:
    """The app as each `threadbase serve` worker runs it: `create_app`, and once it is up,
    what start-up left alive frozen out of the cyclic garbage collector.

    Routes, schemas, the OpenAPI document and connections (over 100,000 objects) live as long
    as the worker, and every full collection, one every couple of thousand requests, walks
    them all. Frozen, collections walk only what requests allocate. Only a server worker
    does this: a process that builds many apps (the tests) would freeze each one's garbage
    with it and collect its whole heap every time."""
    app = create_app()
    app.on_startup.append(_freeze_startup)
    app.on_shutdown.append(_unfreeze)
    return app


def _freeze_startup() -> None:
    gc.collect()
    gc.freeze()


def _unfreeze() -> None:
    gc.unfreeze()
