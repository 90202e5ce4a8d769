"""WordPress: `NAME says:` (often `DATE / NAME says:`), the date line after it, numbered
comments, "Reply" buttons, and pingbacks/trackbacks among the comments."""

from __future__ import annotations

import re
from collections.abc import Sequence

from api.ingest.renderings.base import Section
from api.ingest.renderings.said import score, split_said

NAME = "wordpress"
CEILING = 0.8  # the most `detect` answers
VERB = re.compile(r"\bsays\s*:?\s*$", re.IGNORECASE)


def detect(lines: Sequence[str]) -> float:
    return score(lines, VERB)


def split(lines: Sequence[str]) -> Section | None:
    return split_said(lines, VERB)
