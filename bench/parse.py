"""Parse time per KB, normal pages beside pathological ones, from 10 KB to 5 MB.

    python -m bench.parse [--sizes 10,100,1000,5000] [--pages normal,quotes]

A parser linear in page size shows a flat row; a row that grows with size is superlinear.
"""

from __future__ import annotations

import argparse
import time

from api.ingest.page import parse_page
from bench.hostile import PAGES

SIZES_KB = (10, 100, 1_000, 5_000)


def per_kb_ms(text: str, rounds: int) -> float:
    """Best of `rounds` parses, in milliseconds per KB of page."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        parse_page(text)
        best = min(best, time.perf_counter() - started)
    return best * 1000 / (len(text.encode()) / 1000)


def table(names: list[str], sizes: list[int]) -> str:
    """A markdown table: one row per page kind, ms/KB per size, and whether it stays flat."""
    head = "| page | " + " | ".join(f"{s:,} KB" for s in sizes) + " | flat |"
    lines = [head, "|" + "---|" * (len(sizes) + 2)]
    for name in names:
        cells = []
        for size in sizes:
            text = PAGES[name](size * 1000)
            cells.append(per_kb_ms(text, 3 if size <= 100 else 1))
        flat = max(cells) <= 3 * min(cells)
        row = " | ".join(f"{c:.3f}" for c in cells)
        lines.append(f"| {name} | {row} | {'yes' if flat else 'NO'} |")
        print(lines[-1], flush=True)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES_KB)), help="KB, comma-separated")
    parser.add_argument("--pages", default=",".join(PAGES), help="page kinds, comma-separated")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = [n.strip() for n in args.pages.split(",")]
    print("Parse time, ms per KB (best of 3 up to 100 KB, one run above)\n")
    print(table(names, sizes))


if __name__ == "__main__":
    main()
