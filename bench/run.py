"""Load-test the real server with wrk, beside its peers (`bench/peers.py`: the same bytes from
bare ASGI and from Litestar, a minimal handler for the same rows) and Datasette; write
BENCHMARKS.md.

    python -m bench.run [--duration 10] [--connections 16] [--profile] [--only ROWS]

Everything is measured in one run on one machine, so the ratios are what to read: absolute
numbers move with the machine and with whatever else it is doing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from urllib.parse import quote

import httpx

from api.store.protocol import RANK_WINDOW
from api.store.sqlite.reads import COMMON_SHARE
from bench import parse, parsing_rate
from bench.corpus import BATCH_ROWS, IngestRate, Spec, build, measure_ingest
from schemas import Comment

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Result:
    """One wrk run."""

    name: str
    url: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    header: str = ""
    size: int = 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def process(
    args: list[str], env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and its children, in KiB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


class RssSampler:
    """Peak resident memory of a process tree, sampled in the background."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            time.sleep(0.1)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def wrk(name: str, url: str, duration: int, connections: int, header: str = "") -> Result:
    """Run wrk against `url` (with one request `header`, if given) and read requests/s and the
    latency percentiles."""
    extra = ["-H", header] if header else []
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(pct: str) -> float:
        m = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return Result(
        name,
        url,
        float(rps.group(1)) if rps else 0.0,
        latency("50"),
        latency("99"),
        int(errors.group(1)) if errors else 0,
        header,
    )


def median_of(runs: list[Result]) -> Result:
    """One row for repeated runs of a request: the run with the median rate."""
    ordered = sorted(runs, key=lambda r: r.rps)
    middle = ordered[len(ordered) // 2]
    return Result(
        middle.name,
        middle.url,
        middle.rps,
        middle.p50_ms,
        middle.p99_ms,
        sum(r.errors for r in runs),
        middle.header,
        middle.size,
    )


def payload(url: str, header: str) -> int:
    """Bytes of the body wrk gets from `url` (no Accept-Encoding, so no compression)."""
    headers = {"Accept-Encoding": "identity"}
    if header:
        name, _, value = header.partition(": ")
        headers[name] = value
    r = httpx.get(url, headers=headers, timeout=60)
    r.raise_for_status()
    return len(r.content)


@dataclass(frozen=True)
class Targets:
    """The ids and cursors the requests use, read from the corpus."""

    article: int
    deep: int
    deep_cursor: str
    term_common: str
    term_rare: str
    term_scored: str
    common_share: float


def pick_targets(base: str, corpus: Path) -> Targets:
    conn = sqlite3.connect(f"file:{corpus}?mode=ro", uri=True)
    deep, deep_count = conn.execute(
        "SELECT id, comment_count FROM articles ORDER BY comment_count DESC LIMIT 1"
    ).fetchone()
    typical = conn.execute(
        "SELECT id FROM articles WHERE comment_count BETWEEN 90 AND 110 ORDER BY id LIMIT 1"
    ).fetchone()[0]
    common = "market"
    share = (
        conn.execute(
            "SELECT count(*) FROM comments_fts WHERE comments_fts MATCH ?", (common,)
        ).fetchone()[0]
        / conn.execute("SELECT count(*) FROM comments").fetchone()[0]
    )
    conn.close()
    # Walk to 90% of the deep thread with the API's own cursors.
    cursor = None
    seen = 0
    with httpx.Client(base_url=base, timeout=30) as client:
        while seen < deep_count * 0.9:
            params: dict[str, str | int] = {"limit": 500}
            if cursor:
                params["cursor"] = cursor
            body = client.get(f"/v1/articles/{deep}/comments", params=params).json()
            seen += len(body["items"])
            cursor = body["next_cursor"]
    assert cursor is not None
    return Targets(
        typical, deep, cursor, common, "archive network crowd", "Frederico market", share
    )


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )


def profile(pid: int, url: str, header: str, duration: int, out: Path) -> str:
    """py-spy on one worker while wrk loads `url`; the top of the flat profile."""
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        return "py-spy not installed"
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    workers = [
        int(c)
        for c in children
        if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()  # not the resource tracker
    ]
    worker = workers[0] if workers else pid
    proc = subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(worker),
            "--duration",
            str(duration),
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wrk("profile", url, duration, 16, header)
    proc.wait(timeout=duration + 30)
    if not out.exists():
        return "py-spy could not attach"
    counts: dict[str, int] = {}
    total = 0
    for line in out.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        leaf = stack.split(";")[-1]
        name, _, where = leaf.partition(" (")
        frame = f"{name} ({where.split(':')[0].rsplit('/', 1)[-1]})" if where else name
        total += int(n)
        counts[frame] = counts.get(frame, 0) + int(n)
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:15]
    return "\n".join(f"{100 * n / total:5.1f}%  {frame}" for frame, n in top)


NO_CACHE = "Cache-Control: no-cache"
"""Sent with every Threadbase request except the cached row: it skips the response cache, so
those rows measure the routes' own work."""

# Row labels, used in the tables and the targets.
RAW = "raw ASGI: the comments page's bytes"
SAME_BYTES = "Litestar route: the same bytes, precomputed"
FLOOR = "minimal handler: Litestar + aiosqlite + msgspec, same 50 rows"
PAGE = "comments page"
HOT = "comments page, repeated (response cache)"
DS_SQL = "Datasette SQL JSON, same 50 rows"
DS_FAST = "Datasette table view, `_nocount`, `_nofacet`, `_nosuggest`"
DS_DEFAULT = "Datasette table view, defaults"
DEEP_FIRST = "deep thread: first page"
DEEP_90 = "deep thread: page at 90%"
TREE = "thread tree"
SEARCH_COMMON = "search: common term"
SEARCH_THREE = "search: three terms"
SEARCH_SCORED = "search: an author's name and a common term"
ARTICLE = "article"
ALONE = ", 1 connection"


def server_command(module: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        module,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--articles", type=int, default=Spec.articles)
    parser.add_argument("--comments", type=int, default=Spec.comments)
    parser.add_argument(
        "--only",
        default="",
        help="run only rows whose label has one of these comma-separated texts",
    )
    parser.add_argument("--skip-ingest", action="store_true", help="leave out the ingest rate")
    parser.add_argument(
        "--pages",
        type=Path,
        default=parsing_rate.DEFAULT,
        help="sample pages for the parsing rate (`python -m bench.parsing_rate`); "
        "left out when the folder is missing",
    )
    parser.add_argument("--profile", action="store_true", help="py-spy the comments page")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk)")

    spec = Spec(args.articles, args.comments)
    parsing = ""
    if args.pages.is_dir():
        print(f"parsing rate over {args.pages} …", flush=True)
        parsing = (
            f"`python -m bench.parsing_rate {args.pages}`: {parsing_rate.measure(args.pages)[0]}"
        )
    rate: IngestRate | None = None
    if not args.skip_ingest:
        print("ingest rate: real path against a bare executemany …", flush=True)
        rate = measure_ingest(DATA / "ingest", spec)
    print("corpus …", flush=True)
    corpus = build(DATA / f"corpus-{spec.articles}-{spec.comments}.db", spec)

    workers = os.cpu_count() or 1
    port, dport, pport = free_port(), free_port(), free_port()
    base, dbase = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{dport}"
    pbase = f"http://127.0.0.1:{pport}"
    bin_dir = Path(sys.executable).parent
    env = {"THREADBASE_DB": str(corpus), "THREADBASE_RATE_LIMIT": "0"}
    datasette_cmd = [
        str(bin_dir / "datasette"),
        "serve",
        "-i",
        str(corpus),
        "-p",
        str(dport),
        "--setting",
        "sql_time_limit_ms",
        "20000",
        "--setting",
        "num_sql_threads",
        str(workers),
    ]
    page_file = DATA / "page.json"
    profile_text = ""
    with (
        process(server_command("bench.asgi:app", port, workers), env) as server,
        process(datasette_cmd),
    ):
        wait_for(f"{base}/healthz")
        wait_for(f"{dbase}/-/versions.json")
        t = pick_targets(base, corpus)
        page_url = f"{base}/v1/articles/{t.article}/comments?limit=50"
        page_file.write_bytes(
            httpx.get(page_url, headers={"Accept-Encoding": "identity"}, timeout=30).content
        )
        peers_env = {**env, "BENCH_PAGE": str(page_file)}
        with process(server_command("bench.peers:app", pport, workers), peers_env):
            wait_for(f"{pbase}/bytes")
            name = corpus.stem
            sql = (
                "select id, article_id, position, author, author_verified, posted_at, body, "
                f"parent_id from comments where article_id = {t.article} order by position "
                "limit 50"
            )
            table = (
                f"{dbase}/{name}/comments.json?article_id={t.article}&_sort=position&_size=50"
                "&_shape=objects"
            )
            runs: list[tuple[str, str, str]] = [
                (RAW, f"{pbase}/raw", ""),
                (SAME_BYTES, f"{pbase}/bytes", ""),
                (FLOOR, f"{pbase}/floor/{t.article}", ""),
                (PAGE, page_url, NO_CACHE),
                (HOT, page_url, ""),
                (DS_SQL, f"{dbase}/{name}.json?sql={quote(sql)}&_shape=objects", ""),
                (DS_FAST, f"{table}&_nocount=1&_nofacet=1&_nosuggest=1", ""),
                (DS_DEFAULT, table, ""),
                (DEEP_FIRST, f"{base}/v1/articles/{t.deep}/comments?limit=50", NO_CACHE),
                (
                    DEEP_90,
                    f"{base}/v1/articles/{t.deep}/comments?limit=50&cursor={quote(t.deep_cursor)}",
                    NO_CACHE,
                ),
                (TREE, f"{base}/v1/articles/{t.article}/thread", NO_CACHE),
                (SEARCH_COMMON, f"{base}/v1/search?q={t.term_common}&limit=20", NO_CACHE),
                (SEARCH_THREE, f"{base}/v1/search?q={quote(t.term_rare)}&limit=20", NO_CACHE),
                (SEARCH_SCORED, f"{base}/v1/search?q={quote(t.term_scored)}&limit=20", NO_CACHE),
                (ARTICLE, f"{base}/v1/articles/{t.article}", NO_CACHE),
            ]
            # Search latency without queueing too: the same searches, one connection at a time.
            plan = [(label, url, header, args.connections) for label, url, header in runs] + [
                (label + ALONE, url, header, 1)
                for label, url, header in runs
                if label.startswith("search")
            ]
            wanted = args.only.split(",")
            plan = [row for row in plan if any(w in row[0] for w in wanted)]
            sizes = {label: payload(url, header) for label, url, header, _ in plan}
            rounds: dict[str, list[Result]] = {label: [] for label, _, _, _ in plan}
            with RssSampler(server.pid) as rss:
                # Whole rounds, interleaved: wrk's connections spread over the workers
                # differently each run (all on one worker halves the rate), so every row is a
                # median of rounds.
                for n in range(args.rounds):
                    for label, url, header, connections in plan:
                        print(f"wrk {n + 1}/{args.rounds}: {label} …", flush=True)
                        time.sleep(1)  # both workers idle, so both accept the new connections
                        run = wrk(label, url, args.duration, connections, header)
                        rounds[label].append(run)
            results = [replace(median_of(rounds[label]), size=sizes[label]) for label, *_ in plan]
            if args.profile:
                profile_text = profile(
                    server.pid, page_url, NO_CACHE, args.duration, DATA / "profile.txt"
                )
    report = render(results, rate, rss.peak_kb, spec, workers, args, profile_text, parsing, t)
    previous = args.output.read_text() if args.output.exists() else ""
    from bench import postgres  # it builds on this module

    kept = [
        parse.kept_section(previous),
        parsing_rate.kept_section(previous),
        postgres.kept_section(previous),
    ]
    args.output.write_text("\n\n".join([report.rstrip(), *filter(None, kept)]) + "\n")
    (DATA / "last-run.json").write_text(
        json.dumps(
            {
                "results": [asdict(r) for r in results],
                "ingest": asdict(rate) if rate else None,
            },
            indent=2,
        )
    )
    print(report)


def ratio(a: Result | None, b: Result | None) -> float | None:
    return a.rps / b.rps if a and b and b.rps else None


def check(
    name: str, value: float | None, goal: str, ok: bool | None, unit: str = "x"
) -> tuple[str, str, str, str]:
    shown = (
        "not run"
        if value is None
        else f"{value:.2f}{unit}"
        if unit == "x"
        else f"{value:.1f}{unit}"
    )
    met = "–" if value is None or ok is None else "yes" if ok else "no"
    return name, shown, goal, met


def render(
    results: list[Result],
    rate: IngestRate | None,
    peak_kb: int,
    spec: Spec,
    workers: int,
    args: argparse.Namespace,
    profile_text: str,
    parsing: str = "",
    targets: Targets | None = None,
) -> str:
    by = {r.name: r for r in results}
    get = by.get
    page, hot, floor, same, raw = get(PAGE), get(HOT), get(FLOOR), get(SAME_BYTES), get(RAW)
    ds_sql, ds_fast, ds_default = get(DS_SQL), get(DS_FAST), get(DS_DEFAULT)
    tree, first, deep = get(TREE), get(DEEP_FIRST), get(DEEP_90)
    common, three = get(SEARCH_COMMON), get(SEARCH_THREE)
    common1, three1 = get(SEARCH_COMMON + ALONE), get(SEARCH_THREE + ALONE)

    def at_least(value: float | None, goal: float) -> bool | None:
        return None if value is None else value >= goal

    def at_most(value: float | None, goal: float) -> bool | None:
        return None if value is None else value <= goal

    page_floor = ratio(page, floor)
    page_ds = ratio(page, ds_sql)
    hot_same = ratio(hot, same)
    tree_page = ratio(tree, page)
    deep_first = deep.p50_ms / first.p50_ms if deep and first else None
    c50 = common1.p50_ms if common1 else None
    t50 = three1.p50_ms if three1 else None
    p99 = max(common.p99_ms, three.p99_ms) if common and three else None
    # The bm25 path is reported beside the targets, not in them: the rows are the
    # common and three-term searches.
    ingest = rate.ratio if rate else None
    rss_mb = peak_kb / 1024
    checks = [
        check(
            "comments page vs the minimal handler", page_floor, ">= 0.6x", at_least(page_floor, 0.6)
        ),
        check("comments page vs Datasette SQL JSON", page_ds, ">= 10x", at_least(page_ds, 10)),
        check(
            "repeated comments page vs Litestar same bytes",
            hot_same,
            ">= 0.5x",
            at_least(hot_same, 0.5),
        ),
        check("thread tree vs comments page", tree_page, ">= 0.5x", at_least(tree_page, 0.5)),
        check("search, common term, p50 on 1 connection", c50, "<= 3 ms", at_most(c50, 3), " ms"),
        check("search, three terms, p50 on 1 connection", t50, "<= 10 ms", at_most(t50, 10), " ms"),
        check(
            f"search p99 on {args.connections} connections (worse of two)",
            p99,
            "<= 50 ms",
            at_most(p99, 50),
            " ms",
        ),
        check("ingest vs bare executemany", ingest, ">= 0.6x", at_least(ingest, 0.6)),
        check("deep page p50 / first page p50", deep_first, "<= 1.2x", at_most(deep_first, 1.2)),
        check("server peak RSS under load", rss_mb, "< 250 MB", rss_mb < 250, " MB"),
    ]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run`); numbers from one run on one machine. "
        "Read the ratios: every row ran in the same rounds on the same cores, so the machine's "
        "speed and load cancel out of them, not out of the absolute numbers.",
        "",
        f"- Machine: {machine()}.",
        f"- Corpus: {spec.articles:,} articles, {spec.comments:,} comments (one thread of "
        f"{spec.deep:,}), built by `bench/corpus.py` through the real ingest path.",
        f"- Threadbase: uvicorn (httptools, uvloop), {workers} workers, rate limiting off "
        "(`bench/asgi.py`). Every Threadbase row except the repeated one sends "
        f"`{NO_CACHE}`, which skips the response cache: those rows are the routes' own work.",
        f"- Peers (`bench/peers.py`): the same uvicorn and {workers} workers, serving the "
        f"comments page's own bytes ({page.size if page else 0:,} bytes) from bare ASGI and "
        "from a Litestar route, and the same 50 rows from a minimal Litestar + aiosqlite + "
        "msgspec handler (eight columns; no quotes, links, cursors, ETags or middleware).",
        f"- Datasette {datasette_version()}: the same file, immutable (`-i`), one process with "
        f"{workers} SQL threads, asked for the same rows three ways (URLs below).",
        f"- Each row is the median of {args.rounds} interleaved rounds: the kernel spreads wrk's "
        "connections over the workers differently every run, and all of them on one worker "
        "halves the rate.",
        f"- Load: wrk, 1 thread, {args.connections} connections (1 where the row says so), "
        f"{args.duration} s per run, on the same machine: it competes with the servers for the "
        "cores.",
        "",
        "| request | req/s | p50 ms | p99 ms | non-2xx | body bytes |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.name} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.errors} | {r.size:,} |"
        for r in results
    ]
    lines += ["", "| target | measured | goal | met |", "|---|---:|---:|:---:|"]
    lines += [f"| {n} | {v} | {g} | {m} |" for n, v, g, m in checks]
    if rate:
        lines += [
            "",
            f"Ingest: {rate.pages} pages ({rate.comments:,} comments) through parse and store "
            "(parsed in the worker pool, one process per core, as `threadbase ingest` does; its "
            "processes are up before the clock starts) "
            f"at {rate.pages_per_s:,.0f} pages/s, {rate.comments_per_s:,.0f} comments/s; the "
            "same comment rows by a bare `executemany` into the same schema (its FTS triggers "
            f"included): {rate.bare_rows_per_s:,.0f} rows/s.",
        ]
        if rate.batched_rows_per_s and rate.batched_ratio:
            lines[-1] += (
                f" Inserted {BATCH_ROWS} rows to a statement instead, the same rows go in at "
                f"{rate.batched_rows_per_s:,.0f} rows/s (FTS5 writes its pending index at each "
                "statement, so `executemany`, a statement per row, pays that per row; the real "
                f"path inserts many rows to a statement too): the ingest is "
                f"{rate.batched_ratio:.2f}x that quicker reference."
            )
    if parsing:
        lines += ["", f"Parsing rate over the annotated sample pages, {parsing}."]
    lines += ["", "## What each row asked", ""]
    lines += [
        f"- {r.name}: `{r.url}`" + (f" with `{r.header}`" if r.header else "")
        for r in results
        if not r.name.endswith(ALONE)
    ]
    lines += ["", "## Reading the results", ""]
    if raw and same and floor:
        lines.append(
            f"- **Ceilings.** Bare ASGI answers the page's {raw.size:,} bytes at "
            f"{raw.rps:,.0f} req/s; a Litestar route returning them precomputed, "
            f"{same.rps:,.0f} ({same.rps / raw.rps:.2f}x): that is the framework. The minimal "
            f"handler adds one aiosqlite query and 50 Structs: {floor.rps:,.0f} "
            f"({floor.rps / same.rps:.2f}x of the Litestar route)."
        )
    if page and floor:
        lines.append(
            f"- **Comments page.** {page.rps:,.0f} req/s, {page.rps / floor.rps:.2f}x of the "
            "minimal handler, with what the handler leaves out: each row's quotes and links, "
            f"{len(Comment.__struct_fields__)} fields, cursors and the `Link` header, request "
            "ids, ETags and `Last-Modified`."
        )
    if page and ds_sql and ds_fast and ds_default:
        lines.append(
            f"- **Datasette.** Its SQL JSON for the same rows answers {ds_sql.rps:,.0f} req/s "
            f"(the comments page is {page.rps / ds_sql.rps:.1f}x that), its table view with "
            f"counting, facets and suggestions off {ds_fast.rps:,.0f} "
            f"({page.rps / ds_fast.rps:.1f}x), and with its defaults {ds_default.rps:,.0f} "
            f"({page.rps / ds_default.rps:.1f}x). Datasette runs one process; Threadbase "
            f"{workers}."
        )
    if hot and same:
        lines.append(
            f"- **Repeated reads.** The response cache answers the same page at "
            f"{hot.rps:,.0f} req/s, {hot.rps / same.rps:.2f}x of the Litestar route returning "
            "fixed bytes: after routing it skips parameter parsing, the handler, the query and "
            "encoding, and still reads the data generation (one SQLite read) and sends its ETag "
            "and a request id."
        )
    if tree and page:
        lines.append(
            f"- **Thread tree.** {tree.rps:,.0f} req/s ({tree.rps / page.rps:.2f}x of the "
            f"comments page) for a tree of the article's comments, {tree.size:,} bytes."
        )
    if first and deep:
        lines.append(
            f"- **Deep pages.** Keyset cursors seek by index, so the page at 90% of a "
            f"{spec.deep:,}-comment thread should cost what the first page costs; it measured "
            f"{deep.p50_ms:.2f} vs {first.p50_ms:.2f} ms p50 "
            f"({deep.p50_ms / first.p50_ms:.2f}x)."
        )
    scored, scored1 = get(SEARCH_SCORED), get(SEARCH_SCORED + ALONE)
    if common1 and three1 and common and three:
        lines.append(
            f"- **Search.** On one connection a common term takes {common1.p50_ms:.2f} ms "
            f"(p50) and three terms {three1.p50_ms:.2f} ms; with {args.connections} "
            f"connections on {workers} workers, p99 is {common.p99_ms:.1f} and "
            f"{three.p99_ms:.1f} ms. "
            + (
                f"`{targets.term_common}` is in {targets.common_share:.0%} of all comments, so "
                if targets
                else ""
            )
            + "the queries hold only very common words (at least "
            f"{COMMON_SHARE:.0%} of the newest documents, `COMMON_SHARE` in "
            "`api/store/sqlite/reads.py`): they match but do not score, and come newest first; "
            "bm25 "
            "would count each word's documents, hundreds of thousands of them, only to weigh it "
            "at a small fraction of a rarer word."
        )
    if scored and scored1:
        lines.append(
            f"- **Search with bm25.** An author's name (about 1 comment in 12) with a common "
            f"word is ranked by bm25 over the name among the newest {RANK_WINDOW:,} matches: "
            f"{scored1.p50_ms:.2f} ms p50 on one connection, p99 {scored.p99_ms:.1f} ms on "
            f"{args.connections}. Its cost is bm25's, row by row over the window."
        )
    if rate:
        lines.append(
            "- **Ingest.** The real path parses every page (threads, quotes, links) before "
            "storing it, in worker processes while the parent stores the pages before it; the "
            "reference only inserts the finished rows."
        )
    if profile_text:
        lines += [
            "",
            "py-spy, one worker, comments page (skipping the cache): self time by frame, both "
            "threads (`Runner.run` is the event loop itself, waits included):",
            "",
            "```",
            profile_text,
            "```",
        ]
    return "\n".join(lines) + "\n"


def datasette_version() -> str:
    try:
        from importlib.metadata import version

        return version("datasette")
    except Exception:
        return "?"


if __name__ == "__main__":
    main()
