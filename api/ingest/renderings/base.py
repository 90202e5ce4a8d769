"""The types every rendering shares: what a rendering reads off a page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from api.ingest.model import CommentKind as CommentKind


# Not frozen, as a speed-up: a frozen dataclass's __init__ sets each field through
# object.__setattr__ (ten times slower), and parsing builds thousands of these a page.
# Nothing changes one once built; unsafe_hash keeps them hashable, as frozen ones are.
@dataclass(slots=True, unsafe_hash=True)
class RawComment:
    """One comment as its rendering shows it, before times are read and threads rebuilt.

    `line` is the 0-based line of the header (or footer) that names the author. Reply
    evidence is what the page states, never a guess: `depth` (nesting shown by indentation,
    0 = top level), `reply_to` (a parent named by "In reply to", `@name` or "NAME wrote:"),
    `reply_to_index` (a parent given by number or position), `subject` (a `Re:` subject).
    """

    author: str
    body: str
    line: int
    posted_text: str | None = None
    local_time: datetime | None = None  # set when the rendering reads the time itself
    kind: CommentKind = "comment"
    author_verified: bool = True
    depth: int | None = None
    reply_to: str | None = None
    reply_to_verified: bool | None = None
    reply_to_index: int | None = None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A page's comment section: the article ends before `start`; `end` is the first line
    after the last comment (chrome such as reply forms lies between the two, in neither)."""

    start: int
    end: int
    comments: list[RawComment] = field(default_factory=list)
    headers: list[int] = field(default_factory=list)  # lines that open or close a comment


class Rendering(Protocol):
    """A module that reads one comment rendering (see the package docstring)."""

    NAME: str
    CEILING: float  # the most `detect` ever answers

    def detect(self, lines: Sequence[str]) -> float: ...

    def split(self, lines: Sequence[str]) -> Section | None: ...
