"""`GET /metrics` in Prometheus' text format, from Litestar's Prometheus plugin.

The plugin's middleware counts requests and their latency by method, route template (never the
raw path, so ids do not multiply the series) and status; its controller answers the scrape,
adding up every worker's values in multiprocess mode (see api/metrics.py).
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from litestar import Response, get
from litestar.datastructures import CacheControlHeader
from litestar.enums import MediaType
from litestar.exceptions import HTTPException
from litestar.middleware.base import DefineMiddleware
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.plugins.prometheus.middleware import PrometheusMiddleware
from litestar.types import Message, Receive, Scope, Send

from api.http.dependencies import StoreDependency
from api.metrics import METRICS_PATH, PREFIX, pool_sizes, replica_lag


class RouteMetricsMiddleware(PrometheusMiddleware):
    """The plugin's middleware and series, counted for less, and right about exceptions.

    An exception raised inside the route's middleware (the rate limit's 429) or its handler
    leaves this layer before a response is sent, so the plugin would count it as a 200 taking
    no time: here it counts under the exception's status (500 when it has none). The labelled
    series are looked up once per method, route and status, not on every request.
    """

    _series: ClassVar[dict[tuple[str, str, int], tuple[Any, Any, Any]]] = {}
    _running: ClassVar[dict[tuple[str, str], Any]] = {}

    def _labels(self, method: str, path: str, status: int) -> dict[str, str | int | float]:
        return {"method": method, "path": path, "status_code": status, "app_name": PREFIX}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request under its route template and final status."""
        method = str(scope.get("method", "GET"))
        path = str(scope.get("path_template") or scope["path"])
        start = time.perf_counter()
        status = 200

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        running = self._running.get((method, path))
        if running is None:
            labels = self._labels(method, path, 200)
            running = self.requests_in_progress(labels).labels(*labels.values())
            self._running[(method, path)] = running
        running.inc()
        try:
            await self.app(scope, receive, send_counted)
        except HTTPException as exc:
            status = exc.status_code
            raise
        except Exception:
            status = 500
            raise
        finally:
            running.dec()
            series = self._series.get((method, path, status))
            if series is None:
                labels = self._labels(method, path, status)
                values = [*labels.values()]
                series = (
                    self.request_count(labels).labels(*values),
                    self.request_time(labels).labels(*values),
                    self.requests_error_count(labels).labels(*values) if status >= 500 else None,
                )
                self._series[(method, path, status)] = series
            count, duration, errors = series
            count.inc()
            duration.observe(time.perf_counter() - start)
            if errors is not None:
                errors.inc()


def metrics_middleware() -> DefineMiddleware:
    """Requests and latency per route template and status; /metrics itself not counted."""
    return PrometheusConfig(
        app_name=PREFIX,
        prefix=PREFIX,
        group_path=True,
        exclude=[rf"^{METRICS_PATH}$"],
        middleware_class=RouteMetricsMiddleware,
    ).middleware


class MetricsController(PrometheusController):
    """`GET /metrics`: every worker's series in Prometheus' text format, never cached.

    Left out of the public OpenAPI document: it is for the operator's scraper, not for API
    clients (README, "Beyond one machine").
    """

    path = METRICS_PATH
    include_in_schema = False
    cache_control = CacheControlHeader(no_store=True)

    @get(media_type=MediaType.TEXT)
    async def get(self, store: StoreDependency) -> Response[Any]:
        """The scrape (PostgreSQL's pools and replica lag are read now)."""
        pool_sizes(store.connections())
        replica_lag(await store.replica_lag())
        response: Response[Any] = await PrometheusController.get.fn(self)
        return response
