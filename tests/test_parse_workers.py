"""Parsing a batch of pages in several real processes: each page within the budget, a page
over it stopped alone, and the results in the pages' order."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from api.ingest.errors import PageError
from api.ingest.model import ParsedPage
from api.ingest.packed import parse_packed, unpack
from api.ingest.page import parse_page
from api.intake.loader import read_text
from api.parsing.pool import ParseBudgetExceeded
from api.parsing.workers import ParserStopped, ParseWorkers
from bench.hostile import quotes
from tests.conftest import SEED, THREADBASE
from tests.worker_jobs import measure

DRAGNET = Path(__file__).parent.parent / "fixtures" / "dragnet"


def _pages() -> list[Path]:
    return sorted(DRAGNET.glob("*.txt"))[:6]


def test_a_packed_page_unpacks_to_the_page_parsed_in_place() -> None:
    """What a worker sends back (every field, times with their zone, quotes and links)."""
    crawl = datetime(2013, 3, 4, 15, 30, tzinfo=UTC)
    zone = ZoneInfo("America/New_York")
    texts = [read_text(p) for p in [*_pages(), SEED]]
    for text in texts:
        for when in (None, crawl):
            page = parse_page(text, zone, when)
            assert unpack(parse_packed(text, zone, when)) == page
    parsed = [parse_page(t) for t in texts]
    assert any(c.posted_at is not None for p in parsed for c in p.comments)
    assert any(c.quotes for p in parsed for c in p.comments)
    assert any(b.links or b.quotes for p in parsed for s in p.sections for b in s)


def test_pages_come_back_in_their_order_and_a_costly_one_alone_runs_out_of_time() -> None:
    pages = [read_text(p) for p in _pages()]
    texts: list[str | None] = [*pages[:3], quotes(1_000_000), None, "   \n", *pages[3:]]
    jobs = [(i, None if t is None else (t, UTC, None)) for i, t in enumerate(texts)]
    results = list(ParseWorkers(budget=1.0, workers=2).map(parse_page, jobs))
    assert [key for key, _ in results] == list(range(len(texts)))
    outcomes = [r for _, r in results]
    assert isinstance(outcomes[3], ParseBudgetExceeded)
    assert outcomes[4] is None  # nothing to parse: handed back as it is
    assert isinstance(outcomes[5], PageError)
    assert "empty" in str(outcomes[5])
    parsed = [r for r in outcomes if isinstance(r, ParsedPage)]
    assert len(parsed) == len(pages)
    assert [p.title for p in parsed] == [parse_page(t).title for t in pages]


def test_workers_kept_across_batches_replace_the_one_that_ran_out_of_time() -> None:
    pages = [read_text(p) for p in _pages()[:2]]
    with ParseWorkers(budget=1.0, workers=2) as workers:
        first = list(workers.map(parse_page, [(0, (quotes(1_000_000), UTC, None))]))
        assert isinstance(first[0][1], ParseBudgetExceeded)
        again = list(workers.map(parse_page, [(i, (t, UTC, None)) for i, t in enumerate(pages)]))
    assert [r.title for _, r in again if isinstance(r, ParsedPage)] == [
        parse_page(t).title for t in pages
    ]


def test_one_worker_parses_every_page_too() -> None:
    pages = [read_text(p) for p in _pages()[:3]]
    jobs = [(i, (t, UTC, None)) for i, t in enumerate(pages)]
    results = list(ParseWorkers(budget=30.0, workers=1).map(parse_page, jobs))
    assert [r.title for _, r in results if isinstance(r, ParsedPage)] == [
        parse_page(t).title for t in pages
    ]


def test_the_page_waiting_behind_a_costly_one_is_parsed_by_the_fresh_worker() -> None:
    """One worker holds the page it parses and the next; when the first runs out of time and
    the worker is killed, the page that waited in it is handed to the fresh worker."""
    pages = [read_text(p) for p in _pages()[:3]]
    texts = [pages[0], quotes(1_000_000), pages[1], pages[2]]
    jobs = [(i, (t, UTC, None)) for i, t in enumerate(texts)]
    results = list(ParseWorkers(budget=1.0, workers=1).map(parse_page, jobs))
    assert [key for key, _ in results] == [0, 1, 2, 3]
    assert isinstance(results[1][1], ParseBudgetExceeded)
    assert [r.title for _, r in results if isinstance(r, ParsedPage)] == [
        parse_page(t).title for t in pages
    ]


def test_the_cli_parses_a_folder_in_workers_and_stores_it_in_order(tmp_path: Path) -> None:
    """A hostile page in the middle of a folder times out alone; the rest are stored, with
    ids in the pages' order, and reported in that order."""
    folder = tmp_path / "pages"
    folder.mkdir()
    names = []
    for index, page in enumerate(_pages()):
        if index == 3:
            (folder / "p3-hostile.txt").write_text(quotes(1_000_000))
            names.append("p3-hostile.txt")
        name = f"p{index + (index >= 3)}-{page.name}"
        (folder / name).write_bytes(page.read_bytes())
        names.append(name)
    (folder / "p9-seed.txt").write_text(SEED.read_text())
    db = tmp_path / "workers.db"
    done = subprocess.run(
        [*THREADBASE, "ingest", str(folder), "--db", str(db), "--workers", "2"],
        capture_output=True,
        text=True,
        env={"THREADBASE_PARSE_BUDGET_SECONDS": "1", "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {folder / 'p3-hostile.txt'}: page took longer than 1 s to parse and was refused"
    ]
    assert "7 new articles, 0 merged" in done.stdout
    with sqlite3.connect(db) as conn:
        titles = [t for (t,) in conn.execute("SELECT title FROM articles ORDER BY id")]
    expected = [
        parse_page(read_text(folder / n)).title for n in sorted(names) if "hostile" not in n
    ]
    assert titles == [*expected, parse_page(SEED.read_text()).title]


def _map_within(workers: ParseWorkers, texts: list[str], seconds: float) -> list[object]:
    """`workers.map(measure, …)`'s results, failing the test if it has not returned in
    `seconds` (a parent blocked on a pipe would never return)."""
    results: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            jobs = [(i, (t,)) for i, t in enumerate(texts)]
            results.extend(r for _, r in workers.map(measure, jobs))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"map did not return in {seconds:g} s"
    if errors:
        raise errors[0]
    return results


def test_a_page_larger_than_the_pipe_behind_a_stalled_one_holds_nothing_up() -> None:
    """The page after a stalled one does not fit the pipe to their worker: the parent keeps
    what the pipe does not take, so it still stops the stalled page at its budget, and the
    fresh worker parses the large page and the rest."""
    large = "x" * 4_000_000  # far beyond a pipe's buffer
    results = _map_within(ParseWorkers(budget=1.0, workers=1), ["stall", large, "small"], 120)
    assert isinstance(results[0], ParseBudgetExceeded)
    assert results[1:] == [len(large), len("small")]


def test_a_worker_killed_from_outside_refuses_its_page_and_the_next_pages_are_parsed() -> None:
    results = _map_within(ParseWorkers(budget=30.0, workers=1), ["one", "die", "three"], 120)
    assert results[0] == 3
    assert isinstance(results[1], ParserStopped)
    assert "stopped" in str(results[1])
    assert results[2] == 5


@pytest.mark.parametrize(
    ("text", "error", "words"),
    [("fail", ValueError, "this job fails"), ("lock", RuntimeError, "could not be sent back")],
)
def test_an_error_that_is_not_a_page_error_is_raised_and_the_workers_go_on(
    text: str, error: type[Exception], words: str
) -> None:
    with ParseWorkers(budget=30.0, workers=2) as workers:
        with pytest.raises(error, match=words):
            _map_within(workers, ["one", text, "three"], 120)
        assert _map_within(workers, ["four", "five!"], 120) == [4, 5]


def test_workers_stopped_before_they_are_up_exit_quietly() -> None:
    """A batch with nothing to parse is done before its parser processes are up: they are
    stopped without a word on stderr (the CLI's output stays clean)."""
    script = (
        "from api.parsing.workers import ParseWorkers\n"
        "from tests.worker_jobs import measure\n"
        "print(list(ParseWorkers(workers=2).map(measure, [(0, None), (1, None)])))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[(0, None), (1, None)]\n"
    assert done.stderr == ""


def test_a_batch_closed_after_its_pool_closes_quietly() -> None:
    """The caller leaves the pool with a batch unfinished (an error of its own), and the
    batch is closed after: the pool's processes are stopped once, and none is started."""
    before = set(multiprocessing.active_children())
    with ParseWorkers(budget=30.0, workers=2) as workers:
        batch = workers.map(measure, [(0, ("one",)), (1, ("stall",)), (2, ("stall",))])
        assert next(batch) == (0, 3)
    batch.close()
    assert set(multiprocessing.active_children()) <= before
