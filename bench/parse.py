"""Parse time per KB, normal pages beside pathological ones, from 10 KB to 5 MB.

    python -m bench.parse [--sizes 10,100,1000,5000] [--pages normal,quotes] [--write]

A parser linear in page size shows a flat row; a row that grows with size is superlinear.
`--write` puts the table in BENCHMARKS.md (its own section, which `bench.run` keeps).
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

from api.ingest.page import parse_page
from bench.hostile import PAGES

SIZES_KB = (10, 100, 1_000, 5_000)
MAX_FLAT_SPREAD = 5.0  # from 10 KB to 5 MB, quadratic work would spread about 500x
REPORT = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
START, END = "<!-- parse-cost -->", "<!-- /parse-cost -->"


def per_kb_ms(text: str, rounds: int) -> float:
    """Best of `rounds` parses, in milliseconds per KB of page."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        parse_page(text)
        best = min(best, time.perf_counter() - started)
    return best * 1000 / (len(text.encode()) / 1000)


def table(names: list[str], sizes: list[int]) -> str:
    """A markdown table: one row per page kind, ms/KB per size, the spread of those (largest
    over smallest: about 1 when linear, about the size ratio when quadratic), flat or not."""
    head = "| page | " + " | ".join(f"{s:,} KB" for s in sizes) + " | spread | flat |"
    lines = [head, "|" + "---|" * (len(sizes) + 3)]
    for name in names:
        cells = []
        for size in sizes:
            text = PAGES[name](size * 1000)
            cells.append(per_kb_ms(text, 3 if size <= 100 else 1))
        spread = max(cells) / min(cells)
        row = " | ".join(f"{c:.3f}" for c in cells)
        flat = "yes" if spread <= MAX_FLAT_SPREAD else "NO"
        lines.append(f"| {name} | {row} | {spread:.1f}x | {flat} |")
        print(lines[-1], flush=True)
    return "\n".join(lines)


def kept_section(report: str) -> str:
    """The parse-cost section of a BENCHMARKS.md text, or "" when it has none."""
    if START not in report or END not in report:
        return ""
    return report[report.index(START) : report.index(END) + len(END)]


def write_section(path: Path, table_text: str) -> None:
    """Put `table_text` in `path`'s parse-cost section, replacing the one there."""
    section = (
        f"{START}\n## Parse time per KB\n\n`python -m bench.parse` on {platform.machine()} "
        f"(Python {platform.python_version()}), ms per KB of page; a flat row is linear.\n"
        f"bench/hostile.py says what each pathological page holds.\n\n{table_text}\n{END}"
    )
    report = path.read_text() if path.exists() else ""
    old = kept_section(report)
    path.write_text(
        report.replace(old, section) if old else report.rstrip() + "\n\n" + section + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES_KB)), help="KB, comma-separated")
    parser.add_argument("--pages", default=",".join(PAGES), help="page kinds, comma-separated")
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = [n.strip() for n in args.pages.split(",")]
    print("Parse time, ms per KB (best of 3 up to 100 KB, one run above)\n")
    text = table(names, sizes)
    if args.write:
        write_section(REPORT, text)


if __name__ == "__main__":
    main()
