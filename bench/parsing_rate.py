"""Parsing rate over the sample pages:

    python -m bench.parsing_rate [FOLDER] [--rounds N] [--workers N] [--write]

Parses every page of the folder (default: the shared sample pages, their marker line
stripped) in each of `--rounds` rounds (5 by default; the time caches are cleared before each,
so every round reads every time afresh) and prints pages/s and comments/s of `parse_page` as a
whole (renderings, times, quotes, links and the reply tree): the median round and the best,
in wall-clock time and in the process's CPU time (steadier on a machine shared with other
work). A second row parses the same pages with the ingest's worker pool, one process per core
unless `--workers` says (`api/parsing/workers.py`: fresh processes each round, up before the
clock starts; sending the pages and the parsed results between processes is timed), in
wall-clock time: what `threadbase ingest` parses on the whole machine. The two kinds of round
alternate, so both rows see the same load. One more round then times each stage of
`parse_page` in CPU time (its own time, nested stages taken out). `--write` puts the result in
BENCHMARKS.md (its own section, which `bench.run` keeps).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC
from pathlib import Path
from typing import Any
from unittest import mock

import api.ingest
import api.ingest.page as page_module
from api.evaluation.pages import parse_or_empty, strip_marker
from api.ingest.model import ParsedPage
from api.ingest.packed import parse_packed, unpack
from api.ingest.renderings import RENDERINGS
from api.ingest.times import find_time, read_time
from api.intake.loader import read_text
from api.parsing.workers import ParseWorkers, default_workers

# The sample pages sit beside the main checkout (../shared), which worktrees live further from.
BESIDE = Path(__file__).resolve().parent.parent.parent / "shared" / "pages" / "dragnet-train"
DEFAULT = BESIDE if BESIDE.is_dir() else Path("/work/shared/pages/dragnet-train")
ROUNDS = 5
TARGET = 10_000  # comments/s, the goal
REPORT = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
START, END = "<!-- parse-rate -->", "<!-- /parse-rate -->"
# The functions `parse_page` calls, by stage (module attribute names in api.ingest.page).
STAGES = {
    "choose": "renderings: detect and split",
    "read_head": "article header",
    "parse_blocks": "article blocks",
    "build_comments": "comment headers to comments",
    "read_time": "reading times",
    "_annotate_sections": "article quotes and links",
    "_annotate_comments": "comment quotes and links",
    "resolve_threads": "reply tree",
    "page_identity": "content hash",
}


def compiled() -> tuple[int, int]:
    """How many of the parser's modules (`api.ingest`) are compiled extensions, of how many."""
    found = pkgutil.walk_packages(api.ingest.__path__, "api.ingest.")
    names = [m.name for m in found if not m.name.endswith("__mypyc")]  # (mypyc's own)
    modules = [importlib.import_module(name) for name in names]
    return sum(map(api.ingest.compiled, modules)), len(modules)


def clear_caches() -> None:
    find_time.cache_clear()
    read_time.cache_clear()


def one_round(texts: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds to parse every text once, and the comments found."""
    clear_caches()
    started, cpu = time.perf_counter(), time.process_time()
    comments = sum(len(parse_or_empty(text).comments) for text in texts)
    return time.perf_counter() - started, time.process_time() - cpu, comments


def pool_round(texts: list[str], workers: int) -> tuple[float, int]:
    """Wall seconds for `workers` fresh parser processes (up before the clock starts) to
    parse every text once, and the comments found."""
    jobs = [(i, (text, UTC, None)) for i, text in enumerate(texts)]
    with ParseWorkers(budget=60.0, workers=workers) as pool:
        started = time.perf_counter()
        parsed = [
            unpack(page) if isinstance(page, bytes) else page
            for _, page in pool.map(parse_packed, jobs)
        ]
        wall = time.perf_counter() - started
    return wall, sum(len(p.comments) for p in parsed if isinstance(p, ParsedPage))


class Stopwatch:
    """Own time per stage: a stage called inside another is taken out of the outer one."""

    def __init__(self) -> None:
        self.own: dict[str, float] = {}
        self._stack: list[float] = []  # time spent in nested stages, per open stage

    def wrap(self, name: str, work: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._stack.append(0.0)
            started = time.process_time()
            try:
                return work(*args, **kwargs)
            finally:
                spent = time.process_time() - started
                nested = self._stack.pop()
                self.own[name] = self.own.get(name, 0.0) + spent - nested
                if self._stack:
                    self._stack[-1] += spent

        return timed


@contextmanager
def timed_stages(watch: Stopwatch) -> Iterator[None]:
    """Every stage of `parse_page`, and each rendering's detect and split, timed."""
    with ExitStack() as stack:
        for attr in STAGES:
            wrapped = watch.wrap(attr, getattr(page_module, attr))
            stack.enter_context(mock.patch.object(page_module, attr, wrapped))
        for rendering in RENDERINGS:
            for attr in ("detect", "split"):
                wrapped = watch.wrap(f"{rendering.NAME}.{attr}", getattr(rendering, attr))
                stack.enter_context(mock.patch.object(rendering, attr, wrapped))
        yield


def stage_report(texts: list[str]) -> list[str]:
    """One round with every stage timed: a line per stage, slowest first."""
    watch = Stopwatch()
    with timed_stages(watch):
        _, total, _ = one_round(texts)
    lines = [f"stages of one round, CPU time ({total:.2f}s, timers included):"]
    own = dict(watch.own)
    renderings = {k: v for k, v in own.items() if "." in k}
    rows = [(v, STAGES[k]) for k, v in own.items() if k in STAGES]
    rows.append((sum(renderings.values()), "renderings: each detect and split, below"))
    rows.append((total - sum(own.values()), "the rest of parse_page"))
    for seconds, label in sorted(rows, reverse=True):
        lines.append(f"  {seconds:6.3f}s {100 * seconds / total:5.1f}%  {label}")
        if label.startswith("renderings: each"):
            for name, spent in sorted(renderings.items(), key=lambda kv: -kv[1]):
                lines.append(f"      {spent:6.3f}s  {name}")
    return lines


def kept_section(report: str) -> str:
    """The parse-rate section of a BENCHMARKS.md text, or "" when it has none."""
    if START not in report or END not in report:
        return ""
    return report[report.index(START) : report.index(END) + len(END)]


def write_section(
    path: Path, summary: str, stages: list[str], rate: float, pool_rate: float, workers: int
) -> None:
    """Put the rates, their rows against the goal and the stage times in `path`'s parse-rate
    section, replacing the one there."""
    body = "\n".join(stages)
    built, modules = compiled()
    met = "yes" if rate >= TARGET else "no"
    pool_met = "yes" if pool_rate >= TARGET else "no"
    rows = (
        f"| parse rate, one core, median of rounds | {rate:,.0f} comments/s "
        f"| >= {TARGET:,} comments/s | {met} |\n"
        f"| parse rate, worker pool on all {workers} cores, median of rounds "
        f"| {pool_rate:,.0f} comments/s | >= {TARGET:,} comments/s | {pool_met} |"
    )
    section = (
        f"{START}\n## Parse rate\n\n`python -m bench.parsing_rate` on {platform.machine()} "
        f"(Python {platform.python_version()}; {built} of the parser's {modules} modules "
        f"compiled by mypyc, see setup.py): `parse_page` over the sample pages, marker "
        f"lines stripped.\n\n| target | measured | goal | met |\n|---|---:|---:|:---:|\n"
        f"{rows}\n\n{summary}\n\n"
        f"```text\n{body}\n```\n{END}"
    )
    report = path.read_text() if path.exists() else ""
    old = kept_section(report)
    path.write_text(
        report.replace(old, section) if old else report.rstrip() + "\n\n" + section + "\n"
    )


def measure(
    folder: Path, rounds: int = ROUNDS, workers: int | None = None
) -> tuple[str, float, float, int]:
    """Lines on the rates over the pages of `folder` (median of `rounds`), on one core and
    with the worker pool, and the two rates and the pool's size. The rounds alternate, so
    both rows see the same load."""
    texts = [strip_marker(read_text(p))[0] for p in sorted(folder.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no *.txt pages in {folder}")
    workers = workers or default_workers()
    load = os.getloadavg()[0]  # other work on the machine slows the wall clock
    runs, pooled = [], []
    for _ in range(rounds):
        runs.append(one_round(texts))
        pooled.append(pool_round(texts, workers))
    comments = runs[0][2]
    if any(found != comments for _, found in pooled):
        raise SystemExit("the worker pool found other comments than parsing in this process")
    median = statistics.median(wall for wall, _, _ in runs)
    best = min(wall for wall, _, _ in runs)
    cpu = statistics.median(cpu for _, cpu, _ in runs)
    pool_median = statistics.median(wall for wall, _ in pooled)
    pool_best = min(wall for wall, _ in pooled)
    summary = (
        f"{len(texts)} pages, {comments} comments (load average {load:.1f} at the start); "
        f"one core: median of {rounds} rounds {median:.2f}s: "
        f"{len(texts) / median:,.0f} pages/s, {comments / median:,.0f} comments/s "
        f"(best {comments / best:,.0f}/s; median CPU time {cpu:.2f}s, {comments / cpu:,.0f}/s)"
        f"\nworker pool, {workers} processes: median of {rounds} rounds {pool_median:.2f}s: "
        f"{len(texts) / pool_median:,.0f} pages/s, {comments / pool_median:,.0f} comments/s "
        f"(best {comments / pool_best:,.0f}/s)"
    )
    return summary, comments / median, comments / pool_median, workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument(
        "--workers", type=int, default=None, help="worker pool size (default: one per core)"
    )
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    summary, rate, pool_rate, workers = measure(args.folder, args.rounds, args.workers)
    built, modules = compiled()
    print(f"{built} of the parser's {modules} modules compiled (mypyc)")
    print(summary)
    texts = [strip_marker(read_text(p))[0] for p in sorted(args.folder.glob("*.txt"))]
    stages = stage_report(texts)
    print("\n".join(stages))
    if args.write:
        write_section(REPORT, summary, stages, rate, pool_rate, workers)


if __name__ == "__main__":
    main()
