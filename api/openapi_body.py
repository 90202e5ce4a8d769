"""The write operations' request body: a raw page (`text/plain`) or the JSON import.

Litestar describes one body type per operation; these operations take two, so the JSON Schema
of `ArticleImport` comes from msgspec and an `operation_class` lists both media types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar.openapi.spec import (
    Components,
    OpenAPIMediaType,
    Operation,
    Reference,
    RequestBody,
    Schema,
)

from schemas.imports import ArticleImport

REF_TEMPLATE = "#/components/schemas/{name}"
_FIELDS = {"not": "schema_not", "if": "schema_if", "else": "schema_else"}


def _snake(key: str) -> str:
    return _FIELDS.get(key) or re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()


def to_schema(node: Any) -> Schema | Reference:
    """A msgspec JSON Schema dict as Litestar's OpenAPI objects."""
    if "$ref" in node:
        return Reference(ref=node["$ref"])
    kwargs: dict[str, Any] = {}
    for key, value in node.items():
        name = _snake(key)
        if name in {"properties", "pattern_properties", "dependent_schemas"}:
            kwargs[name] = {k: to_schema(v) for k, v in value.items()}
        elif name in {"items", "additional_properties", "contains", "schema_not"}:
            kwargs[name] = to_schema(value) if isinstance(value, dict) else value
        elif name in {"any_of", "all_of", "one_of", "prefix_items"}:
            kwargs[name] = [to_schema(v) for v in value]
        else:
            kwargs[name] = value
    return Schema(**kwargs)


def import_components() -> Components:
    """Component schemas of the JSON import type and everything it references."""
    _, components = msgspec.json.schema_components([ArticleImport], ref_template=REF_TEMPLATE)
    schemas = {name: to_schema(schema) for name, schema in components.items()}
    return Components(schemas={k: v for k, v in schemas.items() if isinstance(v, Schema)})


PAGE_BODY = RequestBody(
    description=(
        "A crawled page as plain text (`text/plain; charset=utf-8`), or the structured form "
        "(`application/json`)."
    ),
    required=True,
    content={
        "text/plain": OpenAPIMediaType(
            schema=Schema(type="string", description="The page: title line, text, comments.")  # type: ignore[arg-type]
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
