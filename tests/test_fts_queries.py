"""`mode=fts` takes FTS5 syntax: whatever the query, the answer is hits or a 400 naming `q`,
on both engines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import assert_problem

COLUMNS = ["title", "body", "author", "text", "rowid", "rank", "id", "articles_fts", "x"]
OPERATORS = ["AND", "OR", "NOT", "NEAR", "NEAR(", "*", "^", "+", ":", "(", ")", "{", "}", ",", "-"]
WORDS = ["putin", "light", "touch", "a", "0", "1", "é", "\u00a0", "\ue000", "\ue001", "''", "\\"]


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient[Litestar]]:
    """On SQLite's FTS5 and on PostgreSQL's reading of the same syntax."""
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.mark.parametrize(
    ("q", "kind"),
    [
        ('"abc', "comment"),
        ("*", "comment"),
        ("rowid:1", "comment"),
        ("rank:1", "comment"),
        ("author:x", "article"),
        ("body:x", "quote"),
        ("title:x", "comment"),
        ("{title body}:x", "quote"),
        ("NEAR(a b, x)", "comment"),
        ("^", "article"),
    ],
)
def test_fts_errors_are_a_400_naming_q(client: TestClient[Litestar], q: str, kind: str) -> None:
    r = client.get("/v1/search", params={"q": q, "mode": "fts", "type": kind})
    assert_problem(r, 400, "q")
    # Syntax errors quote FTS5; a query over the cost caps (a bare `*` is a prefix of
    # nothing) says which cap.
    assert "FTS5" in r.json()["detail"] or "prefix term" in r.json()["detail"]


def test_a_column_filter_of_the_chosen_index_works(client: TestClient[Litestar]) -> None:
    r = client.get("/v1/search", params={"q": "author:nmewn", "mode": "fts"})
    assert r.status_code == 200, r.text
    assert {hit["author"] for hit in r.json()["items"]} == {"nmewn"}


TOKENS = st.one_of(
    st.sampled_from(OPERATORS),
    st.sampled_from(WORDS),
    st.sampled_from(COLUMNS).map(lambda c: f"{c}:"),
    st.sampled_from(COLUMNS).map(lambda c: f"-{c}:"),
    st.sampled_from(WORDS).map(lambda w: f'"{w}'),
    st.sampled_from(WORDS).map(lambda w: f'"{w}"'),
    st.sampled_from(WORDS).map(lambda w: f"{w}*"),
    st.text(max_size=4),
)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    tokens=st.lists(TOKENS, min_size=1, max_size=8),
    sep=st.sampled_from([" ", "", "  "]),
    kind=st.sampled_from(["comment", "article", "quote"]),
    order=st.sampled_from(["rank", "newest"]),
)
def test_no_fts_query_is_a_server_error(
    client: TestClient[Litestar], tokens: list[str], sep: str, kind: str, order: str
) -> None:
    q = sep.join(tokens)[:256]
    r = client.get("/v1/search", params={"q": q, "mode": "fts", "type": kind, "order": order})
    assert r.status_code in {200, 400}, r.text
    if r.status_code == 400:
        assert_problem(r, 400, "q" if q.strip() else None)
