"""Every bad request gets an RFC 9457 problem naming the field: never a 500, never a trace."""

from __future__ import annotations

import base64

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.pagination import encode_cursor
from schemas import Problem
from tests.conftest import EDGE_ID, SEED_ID

Client = AsyncTestClient[Litestar]
COMMENTS = f"/v1/articles/{SEED_ID}/comments"


def raw_cursor(payload: bytes) -> str:
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


BAD_REQUESTS: list[tuple[str, str, dict[str, str], int, str | None]] = [
    # (id, path, params, status, field named in invalid_params)
    ("limit-zero", COMMENTS, {"limit": "0"}, 400, "limit"),
    ("null-boolean", COMMENTS, {"verified": "null"}, 400, "verified"),
    ("null-enum", COMMENTS, {"sort": "null"}, 400, "sort"),
    ("null-integer", "/v1/quotes", {"article_id": "null"}, 400, "article_id"),
    ("limit-too-big", COMMENTS, {"limit": "501"}, 400, "limit"),
    ("limit-not-int", "/v1/articles", {"limit": "ten"}, 400, "limit"),
    ("limit-negative-sections", f"/v1/articles/{SEED_ID}/sections", {"limit": "-1"}, 400, "limit"),
    ("cursor-garbage", COMMENTS, {"cursor": "%%%not-base64"}, 400, "cursor"),
    ("cursor-not-json", COMMENTS, {"cursor": raw_cursor(b"hello")}, 400, "cursor"),
    ("cursor-wrong-shape", COMMENTS, {"cursor": raw_cursor(b'{"v":1}')}, 400, "cursor"),
    (
        "cursor-other-article",
        COMMENTS,
        {"cursor": encode_cursor(f"comments:{EDGE_ID}", {}, [1])},
        400,
        "cursor",
    ),
    (
        "cursor-other-list",
        COMMENTS,
        {"cursor": encode_cursor(f"sections:{SEED_ID}", {}, [0])},
        400,
        "cursor",
    ),
    (
        "cursor-key-mismatch",
        COMMENTS,
        {"cursor": encode_cursor(f"comments:{SEED_ID}", {"sort": "posted_at"}, [3])},
        400,
        "cursor",
    ),
    (
        "cursor-bad-filter-type",
        COMMENTS,
        {"cursor": encode_cursor(f"comments:{SEED_ID}", {"verified": "yes"}, [3])},
        400,
        "cursor",
    ),
    (
        "cursor-with-other-filter",
        COMMENTS,
        {"author": "nmewn", "cursor": encode_cursor(f"comments:{SEED_ID}", {}, [3])},
        400,
        "author",
    ),
    ("cursor-empty", COMMENTS, {"cursor": ""}, 400, "cursor"),
    ("unknown-param", COMMENTS, {"page": "2"}, 400, "page"),
    ("unknown-param-articles", "/v1/articles", {"offset": "10"}, 400, "offset"),
    ("verified-not-bool", COMMENTS, {"verified": "maybe"}, 400, "verified"),
    ("top-level-not-bool", COMMENTS, {"top_level": "2"}, 400, "top_level"),
    ("parent-id-zero", COMMENTS, {"parent_id": "0"}, 400, "parent_id"),
    ("parent-id-text", COMMENTS, {"parent_id": "abc"}, 400, "parent_id"),
    ("since-not-a-time", COMMENTS, {"since": "yesterday"}, 400, "since"),
    (
        "until-before-since",
        COMMENTS,
        {"since": "2017-06-19T00:00:00Z", "until": "2017-06-18T00:00:00Z"},
        400,
        "until",
    ),
    ("sort-unknown", COMMENTS, {"sort": "likes"}, 400, "sort"),
    ("author-empty", COMMENTS, {"author": ""}, 400, "author"),
    ("include-unknown", f"/v1/articles/{SEED_ID}", {"include": "comments"}, 400, "include"),
    ("article-missing", "/v1/articles/999", {}, 404, None),
    ("article-comments-missing", "/v1/articles/999/comments", {}, 404, None),
    ("article-sections-missing", "/v1/articles/999/sections", {}, 404, None),
    ("comment-missing", "/v1/comments/999999", {}, 404, None),
    ("article-id-not-int", "/v1/articles/abc", {}, 404, None),
    ("no-such-route", "/v2/articles", {}, 404, None),
]


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
async def test_bad_request_is_a_problem(
    client: Client, path: str, params: dict[str, str], status: int, field: str | None
) -> None:
    r = await client.get(path, params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = msgspec.json.decode(r.content, type=Problem)
    assert problem.status == status
    assert problem.type.startswith("https://threadbase.dev/problems/")
    assert problem.instance == path.split("?")[0]
    assert "Traceback" not in r.text
    if field is None:
        assert problem.invalid_params == []
    else:
        assert [p.name for p in problem.invalid_params] == [field]
        assert problem.invalid_params[0].location == "query"
        assert field in problem.detail


async def test_method_not_allowed_is_a_problem(client: Client) -> None:
    r = await client.patch(f"/v1/articles/{SEED_ID}")
    assert r.status_code == 405
    assert r.headers["content-type"] == "application/problem+json"
    assert msgspec.json.decode(r.content, type=Problem).status == 405


def test_there_are_at_least_fifteen_distinct_bad_requests() -> None:
    assert len({(c[1], tuple(sorted(c[2].items()))) for c in BAD_REQUESTS}) >= 15
