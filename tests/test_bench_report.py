"""The benchmark report: every row says what it asked, and the prose uses the measured numbers."""

from __future__ import annotations

import argparse

from bench import run
from bench.corpus import IngestRate, Spec


def result(name: str, rps: float, url: str = "http://h/x", header: str = "") -> run.Result:
    return run.Result(name, url, rps, 1.0, 2.0, 0, header, 22_000)


def test_report_names_urls_sizes_and_targets() -> None:
    flags = "&_nocount=1&_nofacet=1&_nosuggest=1"
    results = [
        result(run.RAW, 40_000),
        result(run.SAME_BYTES, 20_000),
        result(run.FLOOR, 8_000),
        result(run.PAGE, 6_000, header=run.NO_CACHE),
        result(run.HOT, 15_000),
        result(run.DS_SQL, 500, url="http://d/db.json?sql=select&_shape=objects"),
        result(run.DS_FAST, 250, url=f"http://d/db/comments.json?_shape=objects{flags}"),
        result(run.DS_DEFAULT, 90),
    ]
    args = argparse.Namespace(rounds=3, connections=16, duration=5)
    rate = IngestRate(300, 30_000, 3.0, 30_000, 2.0)
    report = run.render(results, rate, 150 * 1024, Spec(), 2, args, "")
    assert f"- {run.DS_FAST}: `http://d/db/comments.json?_shape=objects{flags}`" in report
    assert f"with `{run.NO_CACHE}`" in report
    assert "| 22,000 |" in report
    assert "| comments page vs the minimal handler | 0.75x | >= 0.6x | yes |" in report
    assert "| comments page vs Datasette SQL JSON | 12.00x | >= 10x | yes |" in report
    assert "| repeated comments page vs Litestar same bytes | 0.75x | >= 0.5x | yes |" in report
    assert "| ingest vs bare executemany | 0.67x | >= 0.6x | yes |" in report
    assert "| thread tree vs comments page | not run | >= 0.5x | – |" in report
    assert "(the comments page is 12.0x that)" in report
