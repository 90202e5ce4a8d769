"""Every author name `/v1/authors` lists can be fetched through its `href`, whatever it holds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from api.app import create_app
from api.ingest.structured import page_from_import
from api.settings import Settings
from api.store.sqlite import connections as db
from api.store.sqlite.writes import store_page
from schemas.imports import ArticleImport, ImportComment
from tests.conftest import served

TRICKY = ["AC/DC", "/lead", "trail/", "a//b", ".", "..", "%2F", "x/comments", "comments", "?#&"]


def store_authors(path: Path, names: list[str]) -> None:
    when = datetime(2020, 1, 1, tzinfo=UTC)
    comments = [ImportComment(author=n, posted_at=when, body=f"by {n}") for n in names]
    conn = db.connect(path)
    store_page(conn, page_from_import(ArticleImport(title="Names", comments=comments)))
    conn.close()


def check_every_href(get: object, names: list[str]) -> None:
    assert callable(get)
    listed = get("/v1/authors", params={"limit": 500})
    assert listed.status_code == 200, listed.text
    authors = listed.json()["items"]
    assert sorted(a["name"] for a in authors) == sorted(set(names))
    for author in authors:
        r = get(author["href"])
        assert r.status_code == 200, (author, r.text)
        assert {c["author"] for c in r.json()["items"]} == {author["name"]}


def test_tricky_names_are_addressable(tmp_path: Path) -> None:
    store_authors(tmp_path / "t.db", TRICKY)
    with TestClient(create_app(Settings(db_path=tmp_path / "t.db"))) as client:
        check_every_href(client.get, TRICKY)
        assert client.get("/v1/authors/AC%2FDC/comments").status_code == 200
        assert client.get("/v1/authors/AC/DC").status_code == 404
        assert client.get("/v1/authors/nobody%2Fhere/comments").status_code == 404


def test_names_with_a_slash_over_a_real_server(tmp_path: Path) -> None:
    store_authors(tmp_path / "t.db", TRICKY)
    with served(tmp_path / "t.db") as base, httpx.Client(base_url=base) as client:
        check_every_href(client.get, TRICKY)


NAMES = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=12
).filter(lambda n: n.strip() == n and n.strip())


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(NAMES | st.sampled_from(TRICKY), min_size=1, max_size=8, unique=True))
def test_any_listed_name_is_addressable(names: list[str]) -> None:
    with TemporaryDirectory() as tmp:
        store_authors(Path(tmp) / "t.db", names)
        with TestClient(create_app(Settings(db_path=Path(tmp) / "t.db"))) as client:
            check_every_href(client.get, names)


def test_every_page_of_an_odd_name_is_reachable_by_its_link(tmp_path: Path) -> None:
    names = ["?#&%2F/x", "?#&%2F/x", "?#&%2F/x", "plain"]
    store_authors(tmp_path / "t.db", names)
    with TestClient(create_app(Settings(db_path=tmp_path / "t.db"))) as client:
        [odd] = [a for a in client.get("/v1/authors").json()["items"] if a["name"] != "plain"]
        r = client.get(odd["href"], params={"limit": 1})
        seen = 0
        while True:
            assert r.status_code == 200, r.text
            assert [c["author"] for c in r.json()["items"]] == [odd["name"]]
            seen += 1
            if "link" not in r.headers:
                break
            link = r.headers["link"]
            r = client.get(link[1 : link.index(">")])
        assert seen == 3
