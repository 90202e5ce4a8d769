"""The committed openapi.json is what the app generates, and it is complete enough for SDKs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate

from api.cli import render_openapi
from api.http.openapi_contract import walk
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render_openapi())
    return document


def test_committed_openapi_matches_the_app() -> None:
    committed = (ROOT / "openapi.json").read_text(encoding="utf-8")
    assert committed == render_openapi(), "openapi.json drifted: run `make openapi`"


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_every_operation_is_named_tagged_and_summarised(spec: dict[str, Any]) -> None:
    ops = operations(spec)
    assert len(ops) >= 6
    ids = [op["operationId"] for _, _, op in ops]
    assert len(ids) == len(set(ids))
    for path, method, op in ops:
        assert op.get("tags"), (method, path)
        assert op.get("summary"), (method, path)


def test_errors_are_documented_as_problem_details(spec: dict[str, Any]) -> None:
    for path, method, op in operations(spec):
        statuses = ["400", "404"] if "{" in path else ["400"]
        if path != "/healthz":
            statuses.append("429")
        for status in statuses:
            response = op["responses"][status]
            assert "application/problem+json" in response["content"], (method, path, status)
    assert "Problem" in spec["components"]["schemas"]


def test_list_parameters_are_documented(spec: dict[str, Any]) -> None:
    op = spec["paths"]["/v1/articles/{article_id}/comments"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert set(params) == {
        "article_id",
        "author",
        "verified",
        "parent_id",
        "top_level",
        "since",
        "until",
        "seen_since",
        "removed",
        "sort",
        "limit",
        "cursor",
        "include_total",
        "If-None-Match",
    }
    assert params["limit"]["schema"]["maximum"] == 500
    assert all(p.get("description") for p in params.values())


def test_the_document_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_servers_are_relative_to_wherever_the_document_was_fetched(spec: dict[str, Any]) -> None:
    assert spec["servers"] == [{"url": "/", "description": spec["servers"][0]["description"]}]


def test_parameters_are_never_null(spec: dict[str, Any]) -> None:
    for path, method, op in operations(spec):
        for parameter in op.get("parameters", []):
            for node in walk(parameter["schema"]):
                kinds = node.get("type")
                assert kinds != "null", (method, path, parameter["name"])
                assert "null" not in (kinds if isinstance(kinds, list) else []), node
                assert None not in node.get("enum", []), (method, path, parameter["name"])


def test_constraints_sit_in_the_branch_they_constrain(spec: dict[str, Any]) -> None:
    for node in walk(spec):
        if "oneOf" in node or "anyOf" in node:
            misplaced = {"format", "minLength", "maxLength", "pattern", "minimum", "maximum"}
            assert not misplaced & node.keys(), node
            assert len(node.get("oneOf", [1, 2])) > 1, node
        for bound in ("minimum", "maximum"):
            assert not isinstance(node.get(bound), float), node


def test_each_set_of_values_is_one_named_enum(spec: dict[str, Any]) -> None:
    components = spec["components"]["schemas"]
    named = {k: v for k, v in components.items() if "enum" in v}
    assert {"CommentSort", "ThreadSort", "QuoteKind", "ParentResolution"} <= named.keys()
    for schema in named.values():
        assert len(schema["x-enum-varnames"]) == len(schema["enum"])
        assert all(n.isidentifier() and n.isupper() for n in schema["x-enum-varnames"])
    assert components["CommentSort"]["x-enum-varnames"][1] == "POSITION_DESC"
    inline = [
        node
        for name, schema in components.items()
        if name not in named
        for node in walk(schema)
        if len(node.get("enum", [])) > 1
    ]
    inline += [
        node for _, _, op in operations(spec) for node in walk(op) if len(node.get("enum", [])) > 1
    ]
    assert inline == []


def test_parameter_defaults_are_in_the_schema(spec: dict[str, Any]) -> None:
    def defaults(path: str) -> dict[str, Any]:
        op = spec["paths"][path]["get"]
        return {p["name"]: p["schema"].get("default") for p in op["parameters"]}

    thread = defaults("/v1/articles/{article_id}/thread")
    assert (thread["depth"], thread["limit"], thread["replies_per_node"]) == (3, 200, 25)
    assert thread["sort"] == "oldest"
    assert defaults("/v1/articles/{article_id}/comments")["sort"] == "position"
    search = defaults("/v1/search")
    assert (search["type"], search["order"], search["mode"]) == ("comment", "rank", "words")


def test_exports_say_what_they_stream(spec: dict[str, Any]) -> None:
    csv = spec["paths"]["/v1/articles/{article_id}/comments.csv"]["get"]["responses"]["200"]
    assert csv["content"]["text/csv"]["schema"]["type"] == "string"
    ndjson = spec["paths"]["/v1/articles/{article_id}/comments.ndjson"]["get"]["responses"]["200"]
    schema = ndjson["content"]["application/x-ndjson"]["schema"]
    assert schema["contentSchema"] == {"$ref": "#/components/schemas/Comment"}


def test_a_page_can_be_sent_as_json(spec: dict[str, Any]) -> None:
    body = spec["paths"]["/v1/articles"]["post"]["requestBody"]["content"]
    assert set(body) == {"text/plain", "application/json", "application/vnd.threadbase.page+json"}
    upload = spec["components"]["schemas"]["PageUpload"]
    assert upload["required"] == ["text"]


def test_headers_statuses_and_security_are_declared(spec: dict[str, Any]) -> None:
    for path, method, op in operations(spec):
        responses = op["responses"]
        assert responses["default"]["content"]["application/problem+json"]
        for status, response in responses.items():
            assert "X-Request-Id" in response["headers"], (method, path, status)
            assert "Stream Response" not in response["description"]
            assert "Request fulfilled" not in response["description"]
            for header in response["headers"].values():
                assert "schema" in header
        if method == "get":
            assert op["security"] == []
            if path != "/healthz":
                assert "ETag" in responses["304"]["headers"]
                assert "ETag" in responses["200"]["headers"]
        else:
            assert op["security"] == [{"apiKey": []}]
            assert "WWW-Authenticate" in responses["401"]["headers"]
        if "429" in responses:
            assert "Retry-After" in responses["429"]["headers"]
    created = spec["paths"]["/v1/articles"]["post"]["responses"]
    assert "Location" in created["201"]["headers"]
    assert "Content-Location" in created["200"]["headers"]
    assert "Threadbase-Warning" in created["201"]["headers"]


def test_objects_are_closed(spec: dict[str, Any]) -> None:
    for name, schema in spec["components"]["schemas"].items():
        if schema.get("type") == "object":
            assert schema["additionalProperties"] is False, name
