"""Fuzzing over HTTP: any query, path value or import body gets a 2xx or a 4xx problem."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from api.store.api_keys import make_key
from api.store.sqlite import connections as db
from api.store.sqlite.keys import create_key
from tests.conftest import ROOT

SPEC = json.loads((ROOT / "openapi.json").read_text())
GETS = [
    (path, [p for p in op.get("parameters", []) if p["in"] in {"query", "path"}])
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
    if method == "get"
]
PROFILE = settings(
    max_examples=int(os.environ.get("THREADBASE_FUZZ_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["true", "false", "0", "1", "", "null", "2017-06-18T19:00:00Z", "-1", "1e9"]),
    st.sampled_from(["oldest", "newest", "thread", "-posted_at", "rank", "speech", "fts"]),
)


@pytest.fixture
def client(seeded_db: Path) -> Iterator[TestClient[Litestar]]:
    with TestClient(create_app(Settings(db_path=seeded_db, rate_limit_per_minute=0))) as c:
        yield c


def check(response: Any) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == response.status_code
        assert "Traceback" not in response.text


@PROFILE
@given(data=st.data())
def test_every_get_operation_survives_any_parameters(
    client: TestClient[Litestar], data: st.DataObject
) -> None:
    path, params = data.draw(st.sampled_from(GETS))
    url = path
    for p in params:
        if p["in"] == "path":
            value = data.draw(st.one_of(st.integers(0, 30).map(str), VALUES.filter(bool)))
            url = url.replace("{" + p["name"] + "}", quote(value, safe="") or "x")
    names = [p["name"] for p in params if p["in"] == "query"]
    chosen = data.draw(st.lists(st.sampled_from(names or ["x"]), max_size=4, unique=True))
    query = {name: data.draw(VALUES) for name in chosen}
    if data.draw(st.booleans()):
        query[data.draw(st.sampled_from(["page", "offset", "x"]))] = "1"
    check(client.get(url, params=query))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
COMMENT = st.fixed_dictionaries(
    {
        "author": st.text(max_size=12),
        "posted_at": st.sampled_from(["2020-01-01T00:00:00Z", "x"]),
        "body": st.text(max_size=40),
    },
    optional={"parent_author": st.none() | st.text(max_size=12), "author_verified": JSON},
)
IMPORTS = st.fixed_dictionaries(
    {"title": st.text(max_size=30)},
    optional={
        "sections": st.lists(
            st.fixed_dictionaries(
                {
                    "paragraphs": st.lists(
                        st.fixed_dictionaries(
                            {"text": st.text(max_size=60)},
                            optional={
                                "kind": st.sampled_from(["paragraph", "caption", "list", "poem"])
                            },
                        ),
                        max_size=3,
                    )
                }
            ),
            max_size=2,
        ),
        "comments": st.lists(COMMENT, max_size=4),
        "url": JSON,
        "published_at": JSON,
    },
)


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[tuple[TestClient[Litestar], str, Path]]:
    path = tmp_path / "fuzz.db"
    conn = db.connect(path)
    key = make_key()
    create_key(conn, "fuzz", key)
    conn.close()
    app = create_app(Settings(db_path=path, rate_limit_per_minute=0))
    with TestClient(app) as c:
        yield c, key.token, path


@PROFILE
@given(body=st.one_of(IMPORTS, JSON))
def test_import_body_gets_a_clean_answer(
    writable: tuple[TestClient[Litestar], str, Path], body: Any
) -> None:
    client, token, _ = writable
    r = client.post(
        "/v1/articles",
        content=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    check(r)
    assert r.status_code in {200, 201, 400}
    if r.status_code == 400:
        assert r.json()["invalid_params"][0]["location"] == "body"
    else:
        article = client.get(r.headers.get("location") or r.headers["content-location"]).json()
        comments = client.get(f"/v1/articles/{article['id']}/comments", params={"limit": 500})
        assert len(comments.json()["items"]) == article["counts"]["comments"]
