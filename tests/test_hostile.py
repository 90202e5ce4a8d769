"""Hostile requests against a real server with two workers.

Each case sends what an attacker would (with a valid key) while `/healthz` is probed, and the
harness asserts, for every case: no 5xx (a 503 only where the case allows it, and then with
`Retry-After`); `/healthz` answering within 100 ms while the hostile request is in flight;
and an ordinary read and write succeeding afterwards.

To add a case, write a function taking a `Target` and returning the responses it got, and
list it in CASES with `Case(name, send)`. `target.post_page(...)` and `target.client` help.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

import httpx
import pytest

from api.store.api_keys import make_key
from api.store.sqlite import connections as db
from api.store.sqlite.keys import create_key
from bench.hostile import quotes, reply_chain, spaces
from tests.conftest import SEED, THREADBASE, ingest, served

HEALTH_BOUND_S = 0.1
PARSE_BUDGET_S = 10.0
TIGHT_BUDGET_S = 1.0
"""The over-budget case's server: its page must cost several budgets on any machine, and a
page costs what the machine makes it (5.9 s of CPU here; under 10 s, so a 10 s budget let it
through on a quiet machine and refused it on a busy one)."""
CHAIN_DEPTH = 8_000
DB_BOUND_BYTES = 20_000_000


@dataclass
class Target:
    """The server under attack: its URL, a valid key, and its database file."""

    base: str
    token: str
    db_path: Path
    budget: float
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base, timeout=120, headers=self.auth())

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def post_page(
        self, body: str | bytes, media_type: str = "text/plain", **headers: str
    ) -> httpx.Response:
        return self.client.post(
            "/v1/articles",
            content=body.encode() if isinstance(body, str) else body,
            headers={"Content-Type": media_type, **headers},
        )

    def db_bytes(self) -> int:
        """Database plus WAL on disk."""
        wal = self.db_path.with_name(self.db_path.name + "-wal")
        return self.db_path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


@dataclass(frozen=True)
class Case:
    """A hostile case: `send` attacks `target` and returns every response it got."""

    name: str
    send: Callable[[Target], list[httpx.Response]]
    may_be_busy: bool = False  # 503 + Retry-After is an allowed answer
    tight_budget: bool = False  # runs against the server with TIGHT_BUDGET_S


@dataclass
class Probe:
    """`/healthz` latencies measured while a case runs."""

    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def probe_health(base: str, pipe: Connection) -> None:
    """Probe `/healthz` as the case starts and every 20 ms until told to stop, then send back
    what was seen.

    Runs in its own process, so the work of a case's client threads cannot slow it.
    """
    probe = Probe()
    with httpx.Client(base_url=base, timeout=5) as client:
        client.get("/healthz")  # connected before the case starts
        pipe.send("ready")
        while True:  # a first probe at once: a case may take less than the interval
            sent = time.perf_counter()
            try:
                r = client.get("/healthz")
                if r.status_code != 200:
                    probe.failures.append(f"healthz {r.status_code}")
            except httpx.TransportError as exc:
                probe.failures.append(f"healthz {exc!r}")
            probe.latencies.append(time.perf_counter() - sent)
            if pipe.poll(0.02):
                break
    pipe.send((probe.latencies, probe.failures))


def run_case(target: Target, case: Case) -> tuple[list[httpx.Response], Probe]:
    """Run `case` with /healthz probed throughout; return its responses and the probe."""
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    prober = multiprocessing.get_context("spawn").Process(
        target=probe_health, args=(target.base, theirs)
    )
    prober.start()
    try:
        assert ours.poll(30), "the health prober did not start"
        assert ours.recv() == "ready"
        responses = case.send(target)
    finally:
        ours.send("stop")
        latencies, failures = ours.recv() if ours.poll(30) else ([], ["prober lost"])
        prober.join(10)
    return responses, Probe(latencies, failures)


def check_after(target: Target, case: Case, responses: list[httpx.Response], probe: Probe) -> None:
    for r in responses:
        if r.status_code == 503 and case.may_be_busy:
            assert "retry-after" in r.headers, r.text
            assert r.headers["content-type"] == "application/problem+json"
            continue
        assert r.status_code < 500, (r.status_code, r.text[:300])
    assert probe.failures == []
    assert probe.latencies, "the case ended before any health probe"
    # Every probe bounded; nearly all within the bound (the machine runs other work too).
    ordered = sorted(probe.latencies)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    print(
        f"{case.name}: healthz p50 {statistics.median(ordered) * 1000:.0f} ms, "
        f"p90 {p90 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms over {len(ordered)} probes"
    )
    assert p90 < HEALTH_BOUND_S, (p90, statistics.median(ordered), ordered[-1])
    assert ordered[-1] < 10 * HEALTH_BOUND_S, ordered[-5:]
    # Ordinary requests still work.
    assert target.client.get("/v1/articles?limit=2").status_code == 200
    ordinary = target.post_page(f"Ordinary {time.time_ns()}\n\nA short article.\n")
    assert ordinary.status_code == 201, ordinary.text


# ---- the cases -------------------------------------------------------------------------


def quadratic_quotes(target: Target) -> list[httpx.Response]:
    """The report's page: 12,000 one-word quotes (took 19.6 s on the event loop)."""
    r = target.post_page("Q\n\n" + '"a" ' * 12_000 + "\n")
    assert r.status_code == 201, r.text
    return [r]


def backtracking_header(target: Target) -> list[httpx.Response]:
    """A header-like line with 20,000 spaces (the header regex backtracked over it)."""
    r = target.post_page(spaces(200_000))
    assert r.status_code == 201, r.text
    return [r]


def over_the_parse_budget(target: Target) -> list[httpx.Response]:
    """A page costlier than the budget: refused 422 after the budget, the server unharmed."""
    started = time.monotonic()
    r = target.post_page(quotes(4_500_000))
    assert r.status_code == 422, r.text
    assert r.json()["type"].endswith("parse-budget-exceeded")
    assert r.json()["invalid_params"][0]["name"] == "body"
    assert time.monotonic() - started < target.budget + 5
    return [r]


def _chain_import(depth: int) -> bytes:
    when = datetime(2020, 1, 1)
    comments = [
        {
            "author": "a" if i % 2 else "b",
            "posted_at": (when + timedelta(minutes=i)).isoformat() + "Z",
            "body": f"reply {i}",
            **({"parent_author": "b" if i % 2 else "a"} if i else {}),
        }
        for i in range(depth)
    ]
    return json.dumps({"title": "Deep", "comments": comments}).encode()


def _ordinary_posts(target: Target, stop: threading.Event) -> list[httpx.Response]:
    out: list[httpx.Response] = []
    with httpx.Client(base_url=target.base, timeout=60, headers=target.auth()) as client:
        while not stop.is_set():
            out.append(
                client.post(
                    "/v1/articles",
                    content=f"Side {time.time_ns()}\n\nWritten meanwhile.\n".encode(),
                    headers={"Content-Type": "text/plain"},
                )
            )
            time.sleep(0.05)
    return out


def deep_chain_import(target: Target) -> list[httpx.Response]:
    """8,000 comments each replying to the one before, as a JSON import (grew the DB to
    900 MB), with ordinary POSTs alongside (got 500 "database is locked")."""
    stop = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        side = pool.submit(_ordinary_posts, target, stop)
        try:
            r = target.post_page(_chain_import(CHAIN_DEPTH), "application/json")
        finally:
            stop.set()
        others = side.result()
    assert r.status_code == 201, r.text
    assert r.json()["counts"]["comments"] == CHAIN_DEPTH
    assert target.db_bytes() < DB_BOUND_BYTES
    deepest = target.client.get(
        f"/v1/articles/{r.json()['id']}/comments", params={"sort": "thread", "limit": 1}
    )
    assert deepest.status_code == 200
    return [r, *others]


def deep_chain_cli(target: Target) -> list[httpx.Response]:
    """The same chain as a text page through `threadbase ingest`, while the server writes."""
    page = target.db_path.parent / "chain.txt"
    page.write_text(reply_chain(CHAIN_DEPTH))
    stop = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        side = pool.submit(_ordinary_posts, target, stop)
        try:
            done = subprocess.run(
                [*THREADBASE, "ingest", str(page), "--db", str(target.db_path)],
                capture_output=True,
                text=True,
                timeout=300,
            )
        finally:
            stop.set()
        others = side.result()
    assert done.returncode == 0, done.stderr
    assert "1 page: 1 new article, 0 merged" in done.stdout
    with sqlite3.connect(target.db_path) as conn:
        assert conn.execute("SELECT max(comment_count) FROM articles").fetchone() == (CHAIN_DEPTH,)
    assert target.db_bytes() < DB_BOUND_BYTES
    return others


def same_idempotency_key(target: Target) -> list[httpx.Response]:
    """10 identical POSTs with one Idempotency-Key at once: exactly one executes."""
    body = f"Once {time.time_ns()}\n\nOnly one of these may be stored.\n"
    key = f"k-{time.time_ns()}"
    before = target.client.get("/healthz").json()["articles"]
    barrier = threading.Barrier(10)
    # One client (thread-safe, one connection per thread): ten clients would each load a CA
    # bundle, CPU the server then lacks.
    client = httpx.Client(base_url=target.base, timeout=60, headers=target.auth())

    def send(_: int) -> httpx.Response:
        barrier.wait()
        return client.post(
            "/v1/articles",
            content=body.encode(),
            headers={"Content-Type": "text/plain", "Idempotency-Key": key},
        )

    with client, ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(send, range(10)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) >= 1, statuses
    assert set(statuses) <= {201, 409}, statuses
    assert (
        sum(1 for r in responses if r.status_code == 201 and "idempotent-replayed" not in r.headers)
        == 1
    )
    assert len({r.headers["location"] for r in responses if r.status_code == 201}) == 1
    assert all("retry-after" in r.headers for r in responses if r.status_code == 409)
    assert target.client.get("/healthz").json()["articles"] == before + 1
    replay = target.post_page(body, **{"Idempotency-Key": key})
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    return [*responses, replay]


def costly_search(target: Target) -> list[httpx.Response]:
    """50 one-letter prefixes ORed (82 s on 28k comments): refused, naming q; a costly query
    under the caps finishes or is stopped at the deadline."""
    out = []
    for q in (
        " OR ".join(["t*"] * 50),
        " OR ".join(f"w{i}" for i in range(20)),
        "ab* OR cd* OR ef* OR gh* OR ij*",
        "t*",
    ):
        r = target.client.get("/v1/search", params={"q": q, "mode": "fts"})
        assert r.status_code == 400, r.text
        assert r.json()["invalid_params"][0]["name"] == "q"
        out.append(r)
    r = target.client.get(
        "/v1/search", params={"q": "re* OR th* OR pe* OR wo*", "mode": "fts", "limit": 100}
    )
    assert r.status_code in (200, 503), r.text
    return [*out, r]


CASES = [
    Case("quadratic quotes", quadratic_quotes),
    Case("backtracking header", backtracking_header),
    Case("over the parse budget", over_the_parse_budget, tight_budget=True),
    Case("deep chain, JSON import", deep_chain_import, may_be_busy=True),
    Case("deep chain, CLI text page", deep_chain_cli, may_be_busy=True),
    Case("same Idempotency-Key at once", same_idempotency_key),
    Case("costly search", costly_search, may_be_busy=True),
]


def serve_target(tmp_path_factory: pytest.TempPathFactory, budget: float) -> Iterator[Target]:
    """A two-worker server on a database holding the seed and the attacker's key."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.db"
    ingest(path, SEED)
    key = make_key()
    conn = db.connect(path)
    create_key(conn, "attacker", key)
    conn.close()
    env = {"THREADBASE_RATE_LIMIT": "0", "THREADBASE_PARSE_BUDGET_SECONDS": str(budget)}
    with served(path, workers=2, env=env) as base:
        found = Target(base, key.token, path, budget)
        yield found
        found.client.close()


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    yield from serve_target(tmp_path_factory, PARSE_BUDGET_S)


@pytest.fixture(scope="module")
def tight_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    yield from serve_target(tmp_path_factory, TIGHT_BUDGET_S)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile(request: pytest.FixtureRequest, case: Case) -> None:
    target: Target = request.getfixturevalue("tight_target" if case.tight_budget else "target")
    responses, probe = run_case(target, case)
    check_after(target, case, responses, probe)


def test_integrity_after_the_hostile_cases(target: Target) -> None:
    conn = sqlite3.connect(target.db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
