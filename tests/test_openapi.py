"""The committed openapi.json is what the app generates, and it is complete enough for SDKs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api.cli import render_openapi
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
    }
    assert params["limit"]["schema"]["maximum"] == 500
    assert all(p.get("description") for p in params.values())
