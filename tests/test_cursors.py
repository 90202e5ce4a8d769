"""Cursors: signed, decoded into bounded shapes, and every one the API emits is accepted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from api.app import create_app
from api.http.pagination import TAG_BYTES, Cursors
from api.settings import Settings
from tests.conftest import EDGE_ID, SEED_ID, assert_problem, served, sign

BIG = 2**64  # past SQLite's and msgspec's integers
COMMENTS = f"/v1/articles/{SEED_ID}/comments"


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as c:
        yield c


def unsigned(state: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("url", "token"),
    [  # the hand-edited cursors of the report, and one with a signature of another server
        ("/v1/articles", "WzEsImFydGljbGVzIix7fSxbMTg0NDY3NDQwNzM3MDk1NTE2MTZdXQ"),
        ("/v1/search", "WzEsInNlYXJjaCIseyJxIjoicHV0aW4ifSxbMS4wXV0"),
        ("/v1/articles", unsigned([2, "articles", {}, [3]])),
        ("/v1/articles", unsigned([2, "articles", {}, [3]]) + ".AAAAAAAAAAAAAAAAAAAAAA"),
    ],
)
def test_unsigned_or_forged_cursors_are_refused(
    client: TestClient[Litestar], url: str, token: str
) -> None:
    assert_problem(client.get(url, params={"cursor": token}), 400, "cursor")


def test_a_cursor_with_one_changed_character_is_refused(client: TestClient[Litestar]) -> None:
    token = client.get("/v1/articles", params={"limit": 1}).json()["next_cursor"]
    assert client.get("/v1/articles", params={"cursor": token}).status_code == 200
    payload, tag = token.split(".")
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    for bad in (f"{flipped}.{tag}", f"{payload}.{tag[::-1]}", payload):
        assert_problem(client.get("/v1/articles", params={"cursor": bad}), 400, "cursor")


SIGNED_BUT_BAD = [
    ("/v1/articles", "articles", {}, [BIG]),
    ("/v1/articles", "articles", {}, [2**63]),
    ("/v1/articles", "articles", {}, [1, 2]),
    ("/v1/articles", "articles", {}, ["1"]),
    ("/v1/articles", "articles", {}, [True]),
    (f"/v1/articles/{SEED_ID}/sections", f"sections:{SEED_ID}", {}, [BIG]),
    (f"/v1/articles/{SEED_ID}/sections", f"sections:{SEED_ID}", {}, [-1]),
    (COMMENTS, f"comments:{SEED_ID}", {}, [BIG]),
    (COMMENTS, f"comments:{SEED_ID}", {"parent_id": BIG}, [1]),
    (COMMENTS, f"comments:{SEED_ID}", {"since": 2**63}, [1]),
    (COMMENTS, f"comments:{SEED_ID}", {"sort": "posted_at"}, [1]),
    (COMMENTS, f"comments:{SEED_ID}", {"sort": "-posted_at"}, [2**62, 3]),
    (COMMENTS, f"comments:{SEED_ID}", {"sort": "thread"}, ["000001"]),
    ("/v1/quotes", "quotes", {}, [BIG]),
    ("/v1/quotes", "quotes", {"article_id": BIG}, [1]),
    (f"/v1/articles/{SEED_ID}/quotes", f"quotes:{SEED_ID}", {"article_id": SEED_ID}, [2**63]),
    ("/v1/authors", "authors", {}, [BIG]),
    ("/v1/authors", "authors", {}, ["nmewn"]),
    ("/v1/speakers", "speakers", {}, [BIG]),
    ("/v1/speakers", "speakers", {}, ["Vladimir Putin"]),
    ("/v1/search", "search", {"q": "putin"}, [1.0]),
    ("/v1/search", "search", {"q": "putin"}, [1.0, BIG]),
    ("/v1/search", "search", {"q": "putin", "floor": BIG}, [1.0, 2]),
    ("/v1/search", "search", {"q": "putin", "order": "newest"}, [BIG]),
    (f"/v1/articles/{SEED_ID}/thread", f"thread:{SEED_ID}", {"orphan": "c²"}, []),
    (f"/v1/articles/{SEED_ID}/thread", f"thread:{SEED_ID}", {"orphan": BIG}, []),
    (f"/v1/articles/{SEED_ID}/thread", f"thread:{SEED_ID}", {"orphan": 5}, []),  # not an orphan
    (f"/v1/articles/{SEED_ID}/thread", f"thread:{SEED_ID}", {}, [BIG, 1]),
    (f"/v1/articles/{SEED_ID}/thread", f"thread:{SEED_ID}", {}, [1]),
    ("/v1/comments/9/replies", "replies:9", {"depth": BIG}, []),
]


@pytest.mark.parametrize(("url", "scope", "filters", "key"), SIGNED_BUT_BAD)
def test_signed_cursors_holding_values_out_of_shape_are_a_400(
    client: TestClient[Litestar], url: str, scope: str, filters: dict[str, Any], key: list[Any]
) -> None:
    r = client.get(url, params={"cursor": sign(scope, filters, key)})
    assert_problem(r, 400, "cursor")


def test_an_author_comments_cursor_with_a_huge_key(client: TestClient[Litestar]) -> None:
    token = client.get("/v1/authors/TeethVillage88s/comments", params={"limit": 1})
    scope = json.loads(base64.urlsafe_b64decode(token.json()["next_cursor"].split(".")[0] + "=="))[
        1
    ]
    r = client.get(
        "/v1/authors/TeethVillage88s/comments", params={"cursor": sign(scope, {}, [BIG, 1])}
    )
    assert_problem(r, 400, "cursor")


def test_a_cursor_survives_a_restart_and_needs_the_same_secret(seeded_db: Path) -> None:
    with TestClient(create_app(Settings(db_path=seeded_db))) as first:
        token = first.get(COMMENTS, params={"limit": 2}).json()["next_cursor"]
    with TestClient(create_app(Settings(db_path=seeded_db))) as again:
        assert again.get(COMMENTS, params={"cursor": token}).status_code == 200
    with TestClient(create_app(Settings(db_path=seeded_db, secret="other"))) as other:
        assert_problem(other.get(COMMENTS, params={"cursor": token}), 400, "cursor")


def test_cursors_work_across_the_workers_of_a_server(seeded_db: Path) -> None:
    with served(seeded_db, workers=2) as base, httpx.Client(base_url=base) as http:
        token = http.get(COMMENTS, params={"limit": 2}).json()["next_cursor"]
        answers = {http.get(COMMENTS, params={"cursor": token}).status_code for _ in range(12)}
        assert answers == {200}


def test_edge_page_cursor_of_another_article_is_refused(client: TestClient[Litestar]) -> None:
    token = client.get(f"/v1/articles/{EDGE_ID}/comments", params={"limit": 1}).json()
    assert_problem(client.get(COMMENTS, params={"cursor": token["next_cursor"]}), 400, "cursor")


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/v1/search", {"q": "\x01" * 249 + " putin", "limit": 1}),
        (COMMENTS, {"author": "\x01" * 200, "limit": 1}),
    ],
)
def test_cursors_of_the_longest_filters_are_accepted(
    client: TestClient[Litestar], url: str, params: dict[str, Any]
) -> None:
    first = client.get(url, params=params)
    assert first.status_code == 200, first.text
    token = first.json()["next_cursor"]
    if token is not None:
        assert client.get(url, params={"cursor": token, "limit": 1}).status_code == 200


@pytest.mark.parametrize("url", ["/v1/speakers", "/v1/authors"])
def test_name_lists_page_by_anchor_ids(client: TestClient[Litestar], url: str) -> None:
    whole = [x["name"] for x in client.get(url, params={"limit": 500}).json()["items"]]
    names: list[str] = []
    params: dict[str, Any] = {"limit": 1}
    while True:
        page = client.get(url, params=params).json()
        names += [x["name"] for x in page["items"]]
        if page["next_cursor"] is None:
            break
        assert len(page["next_cursor"]) < 60  # an id, whatever the name's length
        params = {"limit": 1, "cursor": page["next_cursor"]}
    assert names == whole
    assert len(names) > 3


@pytest.mark.parametrize("secret", [b"", b"short", b"k" * 64, b"long secret " * 10])
def test_cursor_tags_are_hmac_sha256_of_the_payload(secret: bytes) -> None:
    """Tags are made from pre-keyed hash states; they must stay RFC 2104 HMAC-SHA256, so
    cursors issued before and after agree, for secrets shorter and longer than a block."""
    codec = Cursors(secret)
    token = codec.encode("comments:3", {"author": "Ann", "verified": True}, [7, 9])
    payload, _, tag = token.partition(".")
    expected = hmac.new(secret, payload.encode(), hashlib.sha256).digest()[:TAG_BYTES]
    assert tag == base64.urlsafe_b64encode(expected).decode().rstrip("=")
    state = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert state == [2, "comments:3", {"author": "Ann", "verified": True}, [7, 9]]
    assert codec.decode(token, "comments:3").key == [7, 9]


def test_next_links_keep_every_other_parameter(client: TestClient[Litestar]) -> None:
    """A query of only `limit` (the links' fast path) and one with filters around it."""
    bare = client.get(f"{COMMENTS}?limit=2")
    assert bare.links["next"]["url"].endswith(
        f"{COMMENTS}?limit=2&cursor={bare.json()['next_cursor']}"
    )
    mixed = client.get(f"{COMMENTS}?sort=-position&limit=2&verified=true")
    assert mixed.status_code == 200, mixed.text
    link = mixed.links["next"]["url"]
    assert f"{COMMENTS}?sort=-position&verified=true&limit=2&cursor=" in link
