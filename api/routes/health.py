"""`GET /healthz`: liveness plus a cheap database round trip."""

from __future__ import annotations

import aiosqlite
from litestar import get
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency

from api.openapi_docs import problem_responses
from api.store import reads
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
async def health(health_db: NamedDependency[aiosqlite.Connection]) -> Health:
    """Liveness and the applied schema version, on a connection no other request uses."""
    return Health(
        status="ok",
        schema_version=await reads.schema_version(health_db),
        articles=await reads.count_articles(health_db),
    )
