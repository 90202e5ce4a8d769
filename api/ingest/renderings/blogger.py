"""Blogger: `NAME said...` before the body, the time alone after it; `On DATE, NAME said...`
too."""

from __future__ import annotations

import re
from collections.abc import Sequence

from api.ingest.renderings.base import Section
from api.ingest.renderings.said import score, split_said

NAME = "blogger"
CEILING = 0.8  # the most `detect` answers
VERB = re.compile(r"\b(?:said|wrote|added)\s*(?:\.\.\.|…|:|,)\s*$", re.IGNORECASE)


def detect(lines: Sequence[str]) -> float:
    return score(lines, VERB)


def split(lines: Sequence[str]) -> Section | None:
    return split_said(lines, VERB)
