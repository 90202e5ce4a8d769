"""TypePad (and Movable Type): the body, then `Posted by: NAME | DATE` or `Posted by: NAME at
DATE` closing it. The colon sets these apart from the article's own `Posted by NAME at DATE`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from api.ingest.renderings.base import Section
from api.ingest.renderings.scan import lines_holding
from api.ingest.renderings.shapes import Meta, clean_name, from_footers, plausible_name
from api.ingest.times import find_time

NAME = "typepad"
CEILING = 0.7  # the most `detect` answers
FOOTER = re.compile(r"^\s*posted by:\s+(?P<rest>\S.{0,150})$", re.IGNORECASE)


def _metas(lines: Sequence[str]) -> list[Meta]:
    metas: list[Meta] = []
    for i in lines_holding(lines, ("osted by:",)):
        m = FOOTER.match(lines[i])
        if m is None:
            continue
        rest = m["rest"]
        span = find_time(rest)
        if span is None:
            continue
        name = clean_name(rest[: span[0]])
        if plausible_name(name):
            metas.append(Meta(i, name, rest[span[0] : span[1]].strip()))
    return metas


def detect(lines: Sequence[str]) -> float:
    count = len(_metas(lines))
    return 0.0 if count == 0 else 0.35 if count == 1 else 0.7


def split(lines: Sequence[str]) -> Section | None:
    return from_footers(lines, _metas(lines))
