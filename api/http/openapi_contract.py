"""The published contract: Litestar's generated OpenAPI document, finished for SDK generators.

Litestar describes handlers faithfully but in ways generators read badly: optional parameters as
`oneOf [T, null]`, constraints beside a `oneOf` instead of inside the branch they constrain,
integer bounds as floats, every `Literal` inline (so one concept becomes several enums), stock
response descriptions, and no word of the headers the middleware adds. `finish` rewrites the
document once, as a pure function, so every consumer (`/docs`, `threadbase openapi`, the
committed `openapi.json`) sees the same contract. What it adds is derived from the schemas
module and the middleware, never typed twice.
"""

from __future__ import annotations

import copy
import re
import typing
from collections.abc import Iterator
from typing import Any

import msgspec
from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.openapi.spec import OpenAPI

import schemas
from api.http.openapi_body import BODY_COMPONENTS, REF_TEMPLATE

JSONObject = dict[str, Any]

REF = "#/components/schemas/{}"
NUMERIC_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
STRING_KEYS = ("format", "minLength", "maxLength", "pattern")
ARRAY_KEYS = ("minItems", "maxItems", "items", "uniqueItems")

_STOCK_DESCRIPTIONS = {
    "Request fulfilled, document follows",
    "Document created, URL follows",
    "Request fulfilled, nothing follows",
    "Stream Response",
}

_STRING = {"type": "string"}
_INTEGER = {"type": "integer", "minimum": 0}

REQUEST_ID = {
    "description": "The request's id: the client's `X-Request-Id` when it sent a valid one, else "
    "one made by the server. Quote it when reporting a problem.",
    "schema": _STRING,
}
RATE_LIMIT_HEADERS = {
    "RateLimit-Policy": {"description": "The budget: `N;w=SECONDS`.", "schema": _STRING},
    "RateLimit-Limit": {"description": "Requests allowed per window.", "schema": _INTEGER},
    "RateLimit-Remaining": {"description": "Requests left in this window.", "schema": _INTEGER},
    "RateLimit-Reset": {"description": "Seconds until the window resets.", "schema": _INTEGER},
}
ETAG = {
    "description": "Strong validator of this representation; send it back in `If-None-Match`.",
    "schema": _STRING,
}
LAST_MODIFIED = {
    "description": "When the article was last written (HTTP date).",
    "schema": _STRING,
}
IF_NONE_MATCH: JSONObject = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "An `ETag` from an earlier response: a 304 with no body when it still matches.",
    "schema": {"type": "string"},
}


def enum_components() -> dict[str, tuple[str, ...]]:
    """Each named `Literal` of the public schemas: one component per concept."""
    named: dict[str, tuple[str, ...]] = {}
    for name in schemas.ENUMS:
        values = typing.get_args(getattr(schemas, name))
        named[name] = tuple(str(v) for v in values)
    return named


def member_name(value: str) -> str:
    """A readable identifier for an enum value: `-posted_at` → `POSTED_AT_DESC`."""
    descending = value.startswith("-")
    word = re.sub(r"\W+", "_", value.lstrip("-")).strip("_").upper() or "EMPTY"
    return f"{word}_DESC" if descending else word


def finish(document: JSONObject) -> JSONObject:
    """The document Litestar generated, made valid and generator-friendly (a new copy)."""
    doc = copy.deepcopy(document)
    doc["servers"] = [{"url": "/", "description": "The server this document was fetched from."}]
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    _, sent = msgspec.json.schema_components(BODY_COMPONENTS, ref_template=REF_TEMPLATE)
    for name, schema in sent.items():
        components.setdefault(name, schema)
    enums = enum_components()
    by_values = {frozenset(values): name for name, values in enums.items()}
    for name, values in enums.items():
        components[name] = {
            "title": name,
            "type": "string",
            "enum": list(values),
            "x-enum-varnames": [member_name(v) for v in values],
        }
    for name, schema in list(components.items()):
        if name not in enums:
            components[name] = _tidy(schema, by_values, closed=True)
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            _finish_operation(path, method, operation, by_values)
    return doc


def _finish_operation(
    path: str, method: str, operation: JSONObject, by_values: dict[frozenset[str], str]
) -> None:
    for parameter in operation.get("parameters", []):
        parameter["schema"] = _tidy(_not_null(parameter["schema"]), by_values, closed=False)
        if parameter["schema"].get("description") == parameter.get("description"):
            del parameter["schema"]["description"]
    body = operation.get("requestBody")
    if body:
        for media in body.get("content", {}).values():
            media["schema"] = _tidy(media["schema"], by_values, closed=False)
    writes = method in ("post", "put", "patch", "delete")
    responses: JSONObject = operation["responses"]
    if method == "get" and path != "/healthz":
        operation.setdefault("parameters", []).append(dict(IF_NONE_MATCH))
        responses["304"] = {
            "description": "Not modified: the `If-None-Match` validator still matches.",
            "headers": {"ETag": ETAG, "X-Request-Id": REQUEST_ID},
        }
    if not writes:
        operation["security"] = []
    responses["default"] = {
        "description": "Any other failure, 500 included, as a problem document.",
        "content": {"application/problem+json": {"schema": {"$ref": REF.format("Problem")}}},
    }
    for status, response in responses.items():
        _type_streams(response)
        _finish_response(operation, status, response, writes, path)


STREAMS: dict[str, JSONObject] = {
    "text/csv": {
        "type": "string",
        "description": "CSV (RFC 4180, UTF-8): a header row, then one row per comment.",
    },
    "application/x-ndjson": {
        "type": "string",
        "format": "binary",
        "description": "Newline-delimited JSON: one `Comment` object per line.",
        "contentMediaType": "application/x-ndjson",
        "contentSchema": {"$ref": REF.format("Comment")},
    },
}


def _type_streams(response: JSONObject) -> None:
    """Streamed exports are documented as what they are: a CSV or NDJSON text body."""
    content: JSONObject = response.get("content", {})
    for media in list(content):
        kind = media.split(";", 1)[0].strip()
        if kind in STREAMS and not content[media].get("schema"):
            del content[media]
            content[kind] = {"schema": dict(STREAMS[kind])}


def _finish_response(
    operation: JSONObject, status: str, response: JSONObject, writes: bool, path: str
) -> None:
    headers: JSONObject = response.setdefault("headers", {})
    headers.pop("cache-control", None)
    for header in headers.values():
        header.setdefault("schema", dict(_STRING))
        header.pop("deprecated", None)
    if response.get("description") in _STOCK_DESCRIPTIONS:
        response["description"] = _describe(operation, status, response)
    headers["X-Request-Id"] = REQUEST_ID
    if status != "default" and path != "/healthz":
        headers.update(RATE_LIMIT_HEADERS)
    if status == "200" and not writes and path != "/healthz":
        headers["ETag"] = ETAG
        headers["Cache-Control"] = {
            "description": "How long shared caches may keep the response.",
            "schema": _STRING,
        }
        if path.startswith("/v1/articles/{article_id}"):
            headers["Last-Modified"] = LAST_MODIFIED
    if status == "201":
        headers["Location"] = {"description": "URL of the new article.", "schema": _STRING}
    if status in ("200", "201") and operation.get("operationId") == "createArticle":
        headers["Threadbase-Warning"] = {
            "description": "Present when the page looks like it has comments that no "
            "rendering could read; says so in words.",
            "schema": _STRING,
        }
    if status == "200" and operation.get("operationId") == "createArticle":
        headers["Content-Location"] = {
            "description": "URL of the stored article this content already is.",
            "schema": _STRING,
        }
    if writes and status in ("200", "201", "204"):
        headers["Idempotent-Replayed"] = {
            "description": "`true` when this is the stored response to an earlier request "
            "with the same `Idempotency-Key`.",
            "schema": {"type": "string", "enum": ["true"]},
        }
    if status in ("429", "503"):
        headers["Retry-After"] = {
            "description": "Seconds to wait before trying again.",
            "schema": _INTEGER,
        }
    if status == "401":
        headers["WWW-Authenticate"] = {
            "description": '`Bearer`, with `error="invalid_token"` when a key was sent.',
            "schema": _STRING,
        }
    if not headers:
        del response["headers"]


def _describe(operation: JSONObject, status: str, response: JSONObject) -> str:
    if status == "204":
        return "Done; nothing follows."
    refs = [
        media["schema"]["$ref"].rsplit("/", 1)[-1]
        for media in response.get("content", {}).values()
        if "$ref" in media.get("schema", {})
    ]
    what = f"`{refs[0]}`" if refs else "the body"
    if status == "201":
        return f"Created: the new {what}; `Location` is its URL."
    return f"OK: {what}."


def _not_null(schema: JSONObject) -> JSONObject:
    """A parameter is absent or has a value, never null: drop every null alternative."""
    schema = dict(schema)
    if "oneOf" in schema:
        schema["oneOf"] = [s for s in schema["oneOf"] if s.get("type") != "null"]
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        schema["type"] = kinds[0] if len(kinds) == 1 else kinds
    if "enum" in schema:
        schema["enum"] = [v for v in schema["enum"] if v is not None]
    return schema


def _branch_takes(branch: JSONObject, key: str) -> bool:
    kind = branch.get("type")
    if key in NUMERIC_KEYS:
        return kind in ("integer", "number")
    if key in STRING_KEYS:
        return kind == "string"
    return kind == "array"


def _tidy(schema: JSONObject, by_values: dict[frozenset[str], str], *, closed: bool) -> JSONObject:
    """Normalise one schema, recursively (see the module docstring)."""
    schema = dict(schema)
    branches = schema.get("oneOf")
    if isinstance(branches, list):
        for key in (*NUMERIC_KEYS, *STRING_KEYS, *ARRAY_KEYS):
            if key in schema and any(_branch_takes(b, key) for b in branches):
                value = schema.pop(key)
                schema["oneOf"] = branches = [
                    {**b, key: value} if _branch_takes(b, key) else b for b in branches
                ]
        if len(branches) == 1:
            (only,) = branches
            del schema["oneOf"]
            schema = {**only, **schema}
    for key in NUMERIC_KEYS:
        value = schema.get(key)
        if isinstance(value, float) and value.is_integer():
            schema[key] = int(value)
    enum = schema.get("enum")
    if isinstance(enum, list) and schema.get("type") == "string":
        name = by_values.get(frozenset(enum))
        if name is not None:
            keep: JSONObject = {
                k: schema[k] for k in ("description", "default", "examples") if k in schema
            }
            schema = {"$ref": REF.format(name), **keep}
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            schema[key] = [_tidy(s, by_values, closed=closed) for s in schema[key]]
    if "items" in schema and isinstance(schema["items"], dict):
        schema["items"] = _tidy(schema["items"], by_values, closed=closed)
    if isinstance(schema.get("properties"), dict):
        schema["properties"] = {
            k: _tidy(v, by_values, closed=closed) for k, v in schema["properties"].items()
        }
        if closed and schema.get("type") == "object":
            schema.setdefault("additionalProperties", False)
    return schema


def walk(node: Any) -> Iterator[JSONObject]:
    """Every object in a JSON document, depth first (for tests and checks)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


class _FinishedOpenAPI(OpenAPI):
    """Litestar's document object, whose dictionary form is the finished contract."""

    def to_schema(self) -> dict[str, Any]:
        return finish(super().to_schema())


class _ContractPlugin(OpenAPIPlugin):
    """Litestar's OpenAPI plugin, handing out the document as `_FinishedOpenAPI`, so every
    consumer (`app.openapi_schema`, /docs, `threadbase openapi`) sees the contract."""

    __slots__ = ()

    def provide_openapi(self) -> OpenAPI:
        document = super().provide_openapi()
        if type(document) is OpenAPI:
            document.__class__ = _FinishedOpenAPI
        return document


def contract(app: Litestar) -> JSONObject:
    """The finished document `app` serves at /docs and its JSON and YAML routes."""
    return app.openapi_schema.to_schema()


def publish_contract(app: Litestar) -> None:
    """Make `app` serve the finished document rather than the generated one.

    Litestar caches the document on its OpenAPI plugin, which it creates itself and finds by
    type; the instance is given the subclass above (same layout, one method overridden), and
    the document it builds the subclass whose dictionary form is finished.
    """
    plugin = app.plugins.get(OpenAPIPlugin)
    plugin.__class__ = _ContractPlugin
