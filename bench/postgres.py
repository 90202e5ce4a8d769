"""PostgreSQL rows for BENCHMARKS.md, beside SQLite's, measured in one run.

    python -m bench.postgres [--articles 10000] [--comments 1000000] [--duration 5] [--rounds 3]

The bench corpus (`bench.corpus`, the same one `bench.run` serves; 1M comments by default) is
copied with `threadbase copy` into a throwaway PostgreSQL cluster started the way the tests
start theirs (`tests/pg_cluster.py`: initdb in a temp dir, a free port, stopped and removed
afterwards), but durable: fsync, synchronous_commit and full-page writes on. The copy is timed.
Then the app serves the copy (`THREADBASE_DATABASE_URL`) and the SQLite file in turn, with the
same workers, and wrk runs the same rows against each, alternating, a median of rounds. The
store-write rate (pages merged or created by `ingest_crawl`, parsing excluded) is measured on
both engines with the same pages, one after another: one writer's rate (on PostgreSQL, writes
of different pages take different advisory locks, so several nodes write side by side).

Writes (or replaces) the "PostgreSQL" section of BENCHMARKS.md; `bench.run` keeps it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import asyncpg

from api.ingest.page import parse_page
from api.store.postgres.store import PostgresStore
from api.store.protocol import Crawl, Source
from api.store.sqlite.store import SqliteStore
from bench.corpus import Spec, build, write_pages
from bench.run import (
    ARTICLE,
    DATA,
    DEEP_90,
    DEEP_FIRST,
    HOT,
    NO_CACHE,
    PAGE,
    ROOT,
    SEARCH_COMMON,
    SEARCH_SCORED,
    SEARCH_THREE,
    TREE,
    Result,
    free_port,
    median_of,
    pick_targets,
    process,
    server_command,
    wait_for,
    wrk,
)
from tests import pg_cluster

START = "<!-- postgresql:start -->"
END = "<!-- postgresql:end -->"
THREADBASE = [sys.executable, "-c", "from api.cli import main; main()"]
DURABLE = ["fsync=on", "synchronous_commit=on", "full_page_writes=on", "shared_buffers=256MB"]
"""Over the tests' settings (tests/pg_cluster.py turns flushing off): a primary as deployed."""
WRITE_PAGES = 200
ESTIMATE_NODES = 8
"""The node count the estimate works through."""


@dataclass(frozen=True)
class WriteRate:
    """Store writes of the same pages on one engine, parsing excluded."""

    pages: int
    comments: int
    seconds: float

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds

    @property
    def comments_per_s(self) -> float:
        return self.comments / self.seconds


def kept_section(report: str) -> str:
    """The PostgreSQL section of a BENCHMARKS.md text, or "" when it has none."""
    if START not in report or END not in report:
        return ""
    return report[report.index(START) : report.index(END) + len(END)]


def write_section(path: Path, section: str) -> None:
    """Put `section` in `path`, replacing the PostgreSQL section there (else at the end)."""
    report = path.read_text() if path.exists() else ""
    old = kept_section(report)
    text = report.replace(old, section) if old else report.rstrip() + "\n\n" + section + "\n"
    path.write_text(text)


def copy(corpus: Path, url: str) -> tuple[float, int]:
    """`threadbase copy` of the corpus into `url`, as a real process: seconds, comments."""
    started = time.perf_counter()
    subprocess.run(
        [*THREADBASE, "copy", "--from", f"sqlite:///{corpus}", "--to", url],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started

    async def analyse() -> int:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("VACUUM ANALYZE")
            return int(await conn.fetchval("SELECT count(*) FROM comments"))
        finally:
            await conn.close()

    return seconds, asyncio.run(analyse())


def write_rate(spec: Spec, url: str, sqlite_path: Path) -> tuple[WriteRate, WriteRate]:
    """The same new pages (not in the corpus) through `ingest_crawl` on each engine, into an
    empty database: (PostgreSQL, SQLite)."""
    records = DATA / "pg-write-pages.jsonl"
    other = Spec(spec.articles, spec.comments, spec.deep, spec.seed + 1)
    write_pages(records, other, 1, 1 + WRITE_PAGES)
    pages = [
        parse_page(json.loads(line)["text"]) for line in records.read_text().splitlines() if line
    ]
    comments = sum(len(p.comments) for p in pages)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)

    async def run() -> tuple[float, float]:
        found = []
        for store in (
            await PostgresStore.open(url, search_deadline=2),
            await SqliteStore.open(sqlite_path, 2),
        ):
            try:
                started = time.perf_counter()
                for n, page in enumerate(pages):
                    source = Source(url=f"https://bench.example/{n}", crawled_at=1_700_000_000)
                    await store.ingest_crawl(page, source, Crawl())
                found.append(time.perf_counter() - started)
            finally:
                await store.close()
        return found[0], found[1]

    pg_seconds, sqlite_seconds = asyncio.run(run())
    return (
        WriteRate(len(pages), comments, pg_seconds),
        WriteRate(len(pages), comments, sqlite_seconds),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--articles", type=int, default=Spec.articles)
    parser.add_argument("--comments", type=int, default=Spec.comments)
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    spec = Spec(args.articles, args.comments)
    print("corpus …", flush=True)
    corpus = build(DATA / f"corpus-{spec.articles}-{spec.comments}.db", spec)
    cluster = pg_cluster.init_cluster()
    cluster.extra = DURABLE
    try:
        cluster.start()
        print("threadbase copy …", flush=True)
        copy_seconds, copied = copy(corpus, cluster.create_database("bench"))
        url = cluster.url("bench")
        print("store writes …", flush=True)
        pg_write, sqlite_write = write_rate(
            spec, cluster.create_database("bench_writes"), DATA / "pg-write-sqlite.db"
        )
        results = serve_and_load(args, corpus, url)
        version = pg_version(cluster.url())
    finally:
        try:
            cluster.stop()
        finally:
            pg_cluster.remove(cluster)
    section = render(
        args, spec, results, copy_seconds, copied, pg_write, sqlite_write, version, corpus
    )
    write_section(args.output, section)
    print(section)


def serve_and_load(
    args: argparse.Namespace, corpus: Path, url: str
) -> dict[str, dict[str, Result]]:
    """The same rows against the app on each engine, alternating, a median of rounds:
    `{label: {engine: result}}`."""
    workers = os.cpu_count() or 1
    engines = {
        "sqlite": {"THREADBASE_DB": str(corpus), "THREADBASE_RATE_LIMIT": "0"},
        "postgresql": {
            "THREADBASE_DB": str(corpus),
            "THREADBASE_DATABASE_URL": url,
            "THREADBASE_RATE_LIMIT": "0",
        },
    }
    ports = {name: free_port() for name in engines}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    with (
        process(server_command("bench.asgi:app", ports["sqlite"], workers), engines["sqlite"]),
        process(
            server_command("bench.asgi:app", ports["postgresql"], workers), engines["postgresql"]
        ),
    ):
        for base in bases.values():
            wait_for(f"{base}/healthz")
        targets = {name: pick_targets(base, corpus) for name, base in bases.items()}

        def rows(name: str) -> list[tuple[str, str, str, int]]:
            base, t = bases[name], targets[name]
            page = f"{base}/v1/articles/{t.article}/comments?limit=50"
            deep = f"{base}/v1/articles/{t.deep}/comments?limit=50"
            found = [
                (PAGE, page, NO_CACHE),
                (HOT, page, ""),
                (DEEP_FIRST, deep, NO_CACHE),
                (DEEP_90, f"{deep}&cursor={quote(t.deep_cursor)}", NO_CACHE),
                (TREE, f"{base}/v1/articles/{t.article}/thread", NO_CACHE),
                (SEARCH_COMMON, f"{base}/v1/search?q={t.term_common}&limit=20", NO_CACHE),
                (SEARCH_THREE, f"{base}/v1/search?q={quote(t.term_rare)}&limit=20", NO_CACHE),
                (SEARCH_SCORED, f"{base}/v1/search?q={quote(t.term_scored)}&limit=20", NO_CACHE),
                (ARTICLE, f"{base}/v1/articles/{t.article}", NO_CACHE),
            ]
            return [(label, u, h, args.connections) for label, u, h in found]

        runs: dict[str, dict[str, list[Result]]] = {}
        for n in range(args.rounds):
            for name in engines:
                for label, u, header, connections in rows(name):
                    print(f"wrk {n + 1}/{args.rounds}: {name}: {label} …", flush=True)
                    time.sleep(1)
                    result = wrk(label, u, args.duration, connections, header)
                    runs.setdefault(label, {}).setdefault(name, []).append(result)
    return {
        label: {name: median_of(found) for name, found in by_engine.items()}
        for label, by_engine in runs.items()
    }


def pg_version(url: str) -> str:
    async def read() -> str:
        conn = await asyncpg.connect(url)
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    return asyncio.run(read())


def render(
    args: argparse.Namespace,
    spec: Spec,
    results: dict[str, dict[str, Result]],
    copy_seconds: float,
    copied: int,
    pg_write: WriteRate,
    sqlite_write: WriteRate,
    version: str,
    corpus: Path,
) -> str:
    """The PostgreSQL section's Markdown."""
    workers = os.cpu_count() or 1
    load = os.getloadavg()
    lines = [
        START,
        "## PostgreSQL beside SQLite",
        "",
        f"`python -m bench.postgres --articles {spec.articles} --comments {spec.comments} "
        f"--duration {args.duration} --rounds {args.rounds} --connections {args.connections}` "
        f"(`make bench` runs it after `bench.run`): corpus `{corpus.relative_to(ROOT)}` "
        f"({spec.articles:,} articles, {spec.comments:,} comments, deep thread {spec.deep:,}), "
        f"copied with `threadbase copy` into PostgreSQL {version} (a throwaway cluster on "
        f"127.0.0.1 started as tests/pg_cluster.py does, with {', '.join(DURABLE)}). The app "
        f"(`bench.asgi:app`, {workers} workers, rate limit off) serves the SQLite file and the "
        "PostgreSQL copy on two ports; wrk (1 thread, "
        f"{args.connections} connections, {args.duration} s) runs each row against both, "
        f"alternating, median of {args.rounds} rounds. Same machine, same run: load average "
        f"{load[0]:.1f} at the end, so read the ratios, not the absolute rates. Rows marked "
        "`no-cache` send `Cache-Control: no-cache` (the response cache is skipped).",
        "",
        "| request | SQLite req/s | SQLite p50 ms | PostgreSQL req/s | PostgreSQL p50 ms "
        "| PostgreSQL p99 ms | PG / SQLite |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, by_engine in results.items():
        s, p = by_engine["sqlite"], by_engine["postgresql"]
        shown = label + (" (no-cache)" if p.header == NO_CACHE else "")
        share = f"{p.rps / s.rps:.2f}x" if s.rps else "–"
        errors = f" ({p.errors + s.errors} errors)" if p.errors + s.errors else ""
        lines.append(
            f"| {shown}{errors} | {s.rps:,.0f} | {s.p50_ms:.1f} | {p.rps:,.0f} | "
            f"{p.p50_ms:.1f} | {p.p99_ms:.1f} | {share} |"
        )
    lines += [
        "",
        "URLs (PostgreSQL's port; the SQLite server's are the same paths):",
        "",
        *(f"- {label}: `{by_engine['postgresql'].url}`" for label, by_engine in results.items()),
        "",
        "| write | SQLite | PostgreSQL |",
        "|---|---:|---:|",
        f"| store writes: {pg_write.pages} new pages, {pg_write.comments:,} comments, "
        f"`ingest_crawl` one after another, parsing excluded | "
        f"{sqlite_write.pages_per_s:,.1f} pages/s, {sqlite_write.comments_per_s:,.0f} comments/s "
        f"| {pg_write.pages_per_s:,.1f} pages/s, {pg_write.comments_per_s:,.0f} comments/s |",
        f"| `threadbase copy` SQLite → PostgreSQL, whole corpus | – | {copy_seconds:,.0f} s, "
        f"{copied / copy_seconds:,.0f} comments/s ({copied:,} comments) |",
        "",
        "The store-write row is one writer; on PostgreSQL, writes of different pages take "
        "different advisory locks (keyed by the page's identity), so several API nodes write "
        "side by side (parsing runs on the nodes).",
        "",
        *estimate(results, pg_write),
        END,
    ]
    return "\n".join(lines)


def estimate(results: dict[str, dict[str, Result]], pg_write: WriteRate) -> list[str]:
    """The scaling estimate on paper, from this run's PostgreSQL rows (README explains the
    reasoning and the partitioning past one primary)."""
    page = results.get(PAGE, {}).get("postgresql")
    if page is None or not page.rps:
        return ["(No estimate: the comments page was not measured on PostgreSQL.)"]
    nodes = ESTIMATE_NODES
    others = [
        f"{label} {by_engine['postgresql'].rps:,.0f}/s"
        for label, by_engine in results.items()
        if label != PAGE and "postgresql" in by_engine and by_engine["postgresql"].header
    ]
    return [
        "### How far N nodes go: an estimate from these rows",
        "",
        f"- **One node** (the app's {os.cpu_count() or 1} workers against PostgreSQL, "
        f"uncached): {page.rps:,.0f} comments pages/s (p50 {page.p50_ms:.1f} ms)"
        + "".join(f"; {other}" for other in others)
        + ".",
        f"- **N nodes, R read replicas.** The nodes hold no state, so they offer N times "
        f"{page.rps:,.0f} pages/s while the databases keep up. One machine here did the "
        "database's work, the app's and wrk's at once, so a standby of its size answers at "
        f"least q = {page.rps:,.0f} pages/s of queries: reads served are about "
        f"`min(N * {page.rps:,.0f}, (R + 1) * q)`, the primary taking the read-your-writes "
        f"reads. By this floor, {nodes} nodes ({nodes * page.rps:,.0f} pages/s) want "
        f"R = {nodes - 1} standbys of this size, or fewer, larger ones. Every standby "
        "replays every write: replicas add reads only.",
        f"- **Writes: the primary caps them.** One writer stored {pg_write.pages_per_s:,.1f} "
        f"pages/s, {pg_write.comments_per_s:,.0f} comments/s "
        f"(about {pg_write.pages_per_s * 86_400 / 1e6:,.1f} million such pages a day); "
        "writers of different pages take different locks and add up until the primary's "
        "cores and WAL flushes are busy. Adding nodes adds parsing, not primary capacity.",
        "- **Past one primary**: partition by article, shard key `article_id` (e.g. Citus; "
        "every table but the key tables reaches `article_id`), as README's "
        '"Beyond one machine" explains.',
    ]


if __name__ == "__main__":
    main()
