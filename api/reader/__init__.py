"""The reference frontend at `/` and the offline API docs, both served from the app's own files.

The reader is static HTML, CSS and ES modules under `static/`; every datum it shows comes from
the public JSON API. The OpenAPI viewers load pinned copies of their assets from `vendor/`
instead of CDNs, so `/docs` renders on a server without internet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.datastructures import CacheControlHeader
from litestar.enums import MediaType
from litestar.openapi.plugins import (
    OpenAPIRenderPlugin,
    RapidocRenderPlugin,
    RedocRenderPlugin,
    SwaggerRenderPlugin,
)
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
VENDOR = HERE / "vendor"

# Self only: scripts, styles and API calls all come from this server; no inline code, no frames.
READER_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
READER_HEADERS = {
    "Content-Security-Policy": READER_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# The HTML and modules change with the code: revalidate (the ETag makes that cheap).
REVALIDATE = CacheControlHeader(no_cache=True)
NO_FAVICON = "<link rel='icon' href='data:,'>"


def _any_query(_request: Request[Any, Any, Any]) -> None:
    """The page takes no parameters but must open from links that add some (`?ref=...`)."""


@get(
    "/",
    include_in_schema=False,
    cache_control=REVALIDATE,
    before_request=_any_query,  # instead of the API's unknown-parameter check
    sync_to_thread=False,
)
def reader_page() -> Response[bytes]:
    """The reader's single HTML page; its routes live in the URL fragment."""
    return Response(
        (STATIC / "index.html").read_bytes(),
        media_type=MediaType.HTML,
        headers=READER_HEADERS,
    )


def _with_reader_headers(response: Response[object]) -> Response[object]:
    for name, value in READER_HEADERS.items():
        response.headers[name] = value
    return response


def reader_routes() -> list[ControllerRouterHandler]:
    """The page at `/`, its assets under `/reader/`, and the docs' assets under `/vendor/`."""
    return [
        reader_page,
        create_static_files_router(
            path="/reader",
            directories=[STATIC],
            name="reader",
            cache_control=REVALIDATE,
            after_request=_with_reader_headers,
            include_in_schema=False,
        ),
        create_static_files_router(
            path="/vendor",
            directories=[VENDOR],
            name="vendor",
            cache_control=CacheControlHeader(public=True, max_age=86400),
            include_in_schema=False,
        ),
    ]


class OfflineRapidocRenderPlugin(RapidocRenderPlugin):
    """RapiDoc without its web fonts, which it would otherwise fetch from Google."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        page = super().render(request, openapi_schema)
        return page.replace(b"<rapi-doc ", b'<rapi-doc load-fonts="false" ', 1)


def docs_render_plugins() -> list[OpenAPIRenderPlugin]:
    """Swagger UI at `/docs` and `/docs/swagger`, Redoc and RapiDoc beside it, all offline."""
    return [
        SwaggerRenderPlugin(
            path=["/", "/swagger"],
            js_url="/vendor/swagger-ui/swagger-ui-bundle.js",
            css_url="/vendor/swagger-ui/swagger-ui.css",
            standalone_preset_js_url="/vendor/swagger-ui/swagger-ui-standalone-preset.js",
            favicon=NO_FAVICON,
        ),
        RedocRenderPlugin(
            path="/redoc",
            js_url="/vendor/redoc/redoc.standalone.js",
            google_fonts=False,
            favicon=NO_FAVICON,
        ),
        OfflineRapidocRenderPlugin(
            path="/rapidoc",
            js_url="/vendor/rapidoc/rapidoc-min.js",
            favicon=NO_FAVICON,
        ),
    ]
