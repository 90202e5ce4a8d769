"""Parsing rate over the sample pages: `python -m bench.parsing_rate [FOLDER]`.

Parses every page of the folder (default: the shared sample pages, their marker line
stripped) a few times and prints pages/s and comments/s of `parse_page` as a whole (renderings,
times, quotes, links and the reply tree).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from api.evaluate_pages import parse_or_empty, strip_marker
from api.ingest.times import find_time, read_time
from api.loader import read_text

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "pages" / "dragnet-train"
SHARED = Path("/work/shared/pages/dragnet-train")
"""The annotated sample pages on the development machine (DEFAULT, from a main checkout)."""
ROUNDS = 3


def measure(folder: Path) -> str:
    """One line: pages and comments parsed per second over the folder, best of ROUNDS."""
    texts = [strip_marker(read_text(p))[0] for p in sorted(folder.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no *.txt pages in {folder}")
    best = float("inf")
    comments = 0
    for _ in range(ROUNDS):
        find_time.cache_clear()  # every round reads every time afresh
        read_time.cache_clear()
        started = time.perf_counter()
        comments = sum(len(parse_or_empty(text).comments) for text in texts)
        best = min(best, time.perf_counter() - started)
    return (
        f"{len(texts)} pages, {comments} comments in {best:.2f}s (best of {ROUNDS}): "
        f"{len(texts) / best:,.0f} pages/s, {comments / best:,.0f} comments/s"
    )


def main(folder: Path) -> None:
    print(measure(folder))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED)
