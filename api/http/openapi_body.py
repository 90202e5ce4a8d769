"""The write operations' request body: a raw page (`text/plain`) or the JSON import.

Litestar describes one body type per operation; these take two, so an `operation_class` lists
both media types. The `ArticleImport` component exists because
`GET /v1/articles/{id}/document` returns that type.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import OpenAPIMediaType, Operation, Reference, RequestBody, Schema

from schemas.imports import PAGE_MEDIA_TYPE, PageUpload

REF_TEMPLATE = "#/components/schemas/{name}"
BODY_COMPONENTS = (PageUpload,)
"""Structs only ever sent, never returned: Litestar does not see them, so the contract adds
them (see `api.http.openapi_contract`)."""


PAGE_BODY = RequestBody(
    description=(
        "A crawled page as plain text (`text/plain; charset=utf-8`), the same page in a JSON "
        f"envelope with its details (`{PAGE_MEDIA_TYPE}`), or the structured form "
        "(`application/json`)."
    ),
    required=True,
    content={
        "text/plain": OpenAPIMediaType(
            schema=Schema(
                type="string",  # type: ignore[arg-type]
                format="binary",  # type: ignore[arg-type]
                min_length=1,
                description="The page, UTF-8: title line, text, comments.",
            )
        ),
        PAGE_MEDIA_TYPE: OpenAPIMediaType(
            schema=Reference(ref=REF_TEMPLATE.format(name="PageUpload"))
        ),
        "application/json": OpenAPIMediaType(
            schema=Reference(ref=REF_TEMPLATE.format(name="ArticleImport"))
        ),
    },
)


@dataclass
class PageBodyOperation(Operation):
    """An operation whose body is a page in either form."""

    def __post_init__(self) -> None:
        self.request_body = PAGE_BODY
