"""Parsing cost grows linearly with the page, whatever the page holds.

Every regex in `api.ingest` that sees page text is run over pathological inputs (long runs of
spaces, quotes, digits, capitalised words, repeated header fragments) at two sizes, and whole
pathological pages are parsed beside normal ones. The bounds are generous ratios, never
absolute times: quadratic work shows as a 16x step for a 4x longer input, linear as 4x.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Callable
from typing import AnyStr

import pytest

import api.ingest
from api.ingest.page import parse_page
from bench.hostile import PAGES

RUNS = {
    "spaces": " ",
    "spaces between words": "a" + " " * 50 + "b ",
    "quotes": '"a" ',
    "curly quotes": "“a” ‘b’ ",
    "digits": "1",
    "digits with slashes": "12/31/",
    "header fragments": "Fri, 12/31/2020 - 23:59 ",
    "permalink words": "a Permalink ",
    "footer": "In reply to by a (not verified) ",
    "capitalised words": "Anna Boris ",
    "names and verbs": "Anna said he says ",
    "sentence ends": '." ',
    "urls": "http://a",
    "stars": "* ",
    "commas": ", ",
}
# What surrounds a run: text that lets a pattern start (a name, a footer, a verb) and text that
# lets it almost finish (a header's end), so backtracking over the run is tried.
CONTEXTS = [
    ("", "x"),
    ("a", "b Permalink"),
    ("In reply to by a", "b"),
    ("Anna said ", ' "a b c d"'),
]


def _patterns() -> list[tuple[str, re.Pattern[str] | re.Pattern[bytes]]]:
    """Every compiled regex at module level anywhere under `api.ingest`."""
    found: dict[str, re.Pattern[str] | re.Pattern[bytes]] = {}
    for info in pkgutil.walk_packages(api.ingest.__path__, "api.ingest."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and value.pattern not in {
                p.pattern for p in found.values()
            }:
                found[f"{info.name}.{name}"] = value
    return sorted(found.items())


PATTERNS = _patterns()


def _best(work: Callable[[], object], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def _scan(pattern: re.Pattern[str] | re.Pattern[bytes], text: str) -> Callable[[], object]:
    if isinstance(pattern.pattern, bytes):  # a pattern over ASCII bytes (see its module)
        return _scan_with(pattern, text.encode("ascii", "replace"))
    return _scan_with(pattern, text)


def _scan_with(pattern: re.Pattern[AnyStr], data: AnyStr) -> Callable[[], object]:
    def work() -> object:
        pattern.match(data)
        pattern.fullmatch(data)
        return list(pattern.finditer(data))

    return work


def test_the_regexes_are_found() -> None:
    names = {name.rsplit(".", 1)[-1] for name, _ in PATTERNS}
    assert {"NAME_RUN", "VERB", "SENTENCE_END", "URL"} <= names
    assert len(PATTERNS) >= 10


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[n for n, _ in PATTERNS])
def test_every_ingest_regex_is_linear_on_pathological_runs(
    name: str, pattern: re.Pattern[str] | re.Pattern[bytes]
) -> None:
    for kind, unit in RUNS.items():
        for head, tail in CONTEXTS:
            small = head + unit * (2_000 // len(unit)) + tail
            large = head + unit * (8_000 // len(unit)) + tail
            t_small = _best(_scan(pattern, small), rounds=5)
            t_large = _best(_scan(pattern, large), rounds=5)
            assert t_large < 10 * t_small + 0.01, (name, kind, head, t_small, t_large)


def _parse_time(text: str) -> float:
    return _best(lambda: parse_page(text), rounds=3)


@pytest.fixture(scope="module")
def normal_per_char() -> float:
    text = PAGES["normal"](100_000)
    return _parse_time(text) / len(text)


@pytest.mark.parametrize("kind", [k for k in PAGES if k != "normal"])
def test_pathological_pages_parse_in_linear_time(kind: str, normal_per_char: float) -> None:
    small, large = PAGES[kind](25_000), PAGES[kind](100_000)
    t_small, t_large = _parse_time(small), _parse_time(large)
    # Linear: 4x the text, about 4x the time (quadratic would be 16x).
    assert t_large < 8 * t_small + 0.05, (t_small, t_large)
    # And within a generous constant of an ordinary page of the same size.
    assert t_large / len(large) < 60 * normal_per_char, (t_large, normal_per_char * len(large))


def test_the_issue_pages_parse_quickly_beside_a_normal_page(normal_per_char: float) -> None:
    """The pages of the report: 12,000 one-word quotes; a header with 20,000 spaces."""
    quotes = "Q\n\n" + '"a" ' * 12_000 + "\n"
    spaces = "S\n\na" + " " * 20_000 + "b Permalink\n"
    assert _parse_time(spaces) < 20 * normal_per_char * len(spaces) + 0.01
    assert _parse_time(quotes) < 60 * normal_per_char * len(quotes)
