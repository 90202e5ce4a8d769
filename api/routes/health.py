"""`GET /healthz`: liveness plus a cheap database round trip."""

from __future__ import annotations

from litestar import get
from litestar.datastructures import CacheControlHeader

from api.http.dependencies import StoreDependency
from api.http.openapi_docs import problem_responses
from schemas import Health


@get(
    "/healthz",
    operation_id="getHealth",
    summary="Service health",
    description="Answers 200 when the service is up and its database is readable.",
    tags=["meta"],
    responses=problem_responses(400, rate_limited=False),
    cache_control=CacheControlHeader(no_store=True),
)
async def health(store: StoreDependency) -> Health:
    """Liveness and the applied schema version, on a connection no other request uses."""
    schema_version, articles = await store.health()
    return Health(status="ok", schema_version=schema_version, articles=articles)
