"""CPU time per request, in process: the app driven by bare ASGI calls, no server, no sockets.

    python -m bench.cpu corpus.db [--requests 2000] [--rounds 5] [--profile out.prof] [URL ...]

wrk's rates need the machine to itself; the CPU one request costs does not. Every request
here is answered by the app as `bench/asgi.py` builds it (rate limit off unless
`--rate-limit`), and `time.process_time` counts every thread of the process, so the SQLite
work done on aiosqlite's threads is in it. Each URL runs `--requests` times per round, each
request timed on its own, and the low percentiles are reported (`summary`).

`--app bench.peers:app /floor/8` measures the minimal handler the same way.

Requests carry `Cache-Control: no-cache`, as bench/run.py sends them, unless `--cached`.

Run it pinned to one core (`taskset -c 1 python -m bench.cpu ...`) to measure what a request
costs a saturated worker: unpinned, work handed to a thread runs on an idle second core, with
that core's caches, and the hand-off's cost hides there; under load every core is busy.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

DEFAULT_URLS = ["/v1/articles/8/comments?limit=50"]
App = Callable[[Any, Any, Any], Awaitable[None]]


async def call(app: App, path: str, query: bytes, headers: list[tuple[bytes, bytes]]) -> int:
    """One GET through the app; its status (the body is checked to be complete)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    status = 0
    done = False

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, done
        if message["type"] == "http.response.start":
            status = message["status"]
        elif not message.get("more_body", False):
            done = True

    await app(scope, receive, send)
    if not done:
        raise RuntimeError(f"{path} sent no complete body")
    return status


async def rounds(
    app: App, urls: list[str], requests: int, count: int, cached: bool
) -> dict[str, list[float]]:
    """CPU microseconds of every request, by URL, over `count` rounds."""
    headers = [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench")]
    if not cached:
        headers.append((b"cache-control", b"no-cache"))
    spent: dict[str, list[float]] = {url: [] for url in urls}
    clock = time.process_time
    for _ in range(count):
        for url in urls:
            path, _, query = url.partition("?")
            status = await call(app, path, query.encode(), headers)  # warm
            if status != 200:
                raise RuntimeError(f"{url} answered {status}")
            times = spent[url]
            for _ in range(requests):
                started = clock()
                await call(app, path, query.encode(), headers)
                times.append((clock() - started) * 1e6)
    return spent


def summary(times: list[float]) -> str:
    """The 10th percentile and the median of one URL's request times: other load on the
    machine only ever adds time (a VM's stolen time counts as the process's own), so the
    low percentiles are the request's own cost."""
    ordered = sorted(times)
    return f"p10 {ordered[len(ordered) // 10]:8.1f} us  p50 {ordered[len(ordered) // 2]:8.1f} us"


async def measure(args: argparse.Namespace) -> dict[str, list[float]]:
    os.environ["THREADBASE_DB"] = str(args.db)
    os.environ["THREADBASE_RATE_LIMIT"] = "1200000" if args.rate_limit else "0"
    os.environ.setdefault("THREADBASE_SECRET", "bench")
    module, _, name = args.app.partition(":")
    app = getattr(importlib.import_module(module), name)
    inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    lifespan = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, outbox.put)
    )
    await inbox.put({"type": "lifespan.startup"})
    if (await outbox.get())["type"] != "lifespan.startup.complete":
        raise RuntimeError("the app did not start")
    try:
        urls = args.urls or DEFAULT_URLS
        if args.profile:
            await rounds(app, urls, 50, 1, args.cached)
            profiler = cProfile.Profile(time.thread_time)
            profiler.enable()
            await rounds(app, urls, args.requests, 1, args.cached)
            profiler.disable()
            profiler.dump_stats(args.profile)
            return {}
        return await rounds(app, urls, args.requests, args.rounds, args.cached)
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await lifespan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("urls", nargs="*")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--cached", action="store_true")
    parser.add_argument("--rate-limit", action="store_true")
    parser.add_argument("--app", default="bench.asgi:app", help="module:attribute")
    args = parser.parse_intermixed_args()
    for url, times in asyncio.run(measure(args)).items():
        print(f"{summary(times)}  {url}")


if __name__ == "__main__":
    main()
