"""Pathological pages: inputs shaped to make a parser's regexes or loops go superlinear.

Each builder takes a target size in characters and returns a page of about that size, so a
parse time per KB can be compared with a normal page's (`bench.parse`, `tests/test_hostile`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bench.synthetic import page as synthetic_page

HEADER_TIME = "Fri, 06/18/2017 - 18:00"


def _fill(unit: str, size: int, head: str = "Q\n\n") -> str:
    return head + unit * max(1, (size - len(head)) // len(unit)) + "\n"


def quotes(size: int) -> str:
    """One paragraph of thousands of one-word quotes (`"a" "a" …`)."""
    return _fill('"a" ', size)


def speech(size: int) -> str:
    """One paragraph of attributed speech with pronoun cues, no sentence ends."""
    return _fill('"one two three four," he said, ', size)


def name_runs(size: int) -> str:
    """Long runs of capitalised words before a reporting verb and a quote."""
    return _fill("Anna Boris Chen Dara Emil Fatima Georg Hana " * 20 + 'said "a b c d" ', size)


def spaces(size: int) -> str:
    """Header-like lines whose names hold a long run of spaces (`a      b Permalink`)."""
    return _fill("a" + " " * 20_000 + "b Permalink\n", size, "S\n\n")


def digits(size: int) -> str:
    """Header-like lines with long runs of digits where the date goes."""
    return _fill("a Fri, " + "1" * 20_000 + "/12/2020 - 10:00 Permalink\n", size, "S\n\n")


def fragments(size: int) -> str:
    """Header lines made of repeated date fragments, and a footer with a long run of spaces."""
    line = "a " + f"{HEADER_TIME} " * 1_000 + "Permalink\n\nbody\n\n"
    footer = "In reply to by a" + " " * 20_000 + "b\n\n"
    return _fill(line + footer, size, "S\n\n")


def chain(size: int) -> str:
    """One reply chain as deep as the size allows: each comment answers the one before."""
    return reply_chain(max(1, size // 80))


def reply_chain(depth: int) -> str:
    """A page of `depth` comments, each replying to the one before (a, b, a, b, ...)."""
    lines = ["Deep", "", "An article.", ""]
    when = datetime(2020, 1, 1)
    for index in range(depth):
        author, parent = ("a", "b") if index % 2 else ("b", "a")
        names = author if index == 0 else f"{author} {parent}"
        lines += [f"{names} {when:%a, %m/%d/%Y - %H:%M} Permalink", "", f"reply {index}", ""]
        if index:
            lines += [f"In reply to by {parent}", ""]
        when += timedelta(minutes=1)
    return "\n".join(lines)


def normal(size: int) -> str:
    """A synthetic page of ordinary article and comments, cut to about `size` characters."""
    comments = max(1, size // 150)
    text = synthetic_page(size, comments)
    while len(text) < size:
        comments *= 2
        text = synthetic_page(size, comments)
    cut = text.rfind("\n\n", 0, size)
    return text[: cut if cut > 0 else size] + "\n"


PAGES: dict[str, Callable[[int], str]] = {
    "normal": normal,
    "quotes": quotes,
    "speech": speech,
    "name runs": name_runs,
    "spaces": spaces,
    "digits": digits,
    "fragments": fragments,
    "reply chain": chain,
}
