"""Plain data produced by the parser: no I/O, no database ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from schemas import ParagraphKind, ParentResolution

CommentKind = Literal["comment", "trackback"]
QuoteKind = Literal["speech", "title", "scare"]


@dataclass(slots=True, unsafe_hash=True)  # not frozen, as ParsedComment (below)
class FoundQuote:
    """One quotation in a paragraph or comment; offsets bound the text inside the marks."""

    start: int
    end: int
    text: str
    kind: QuoteKind
    nested: bool = False
    speaker: str | None = None
    cue: str | None = None
    source_comment: int | None = None


@dataclass(frozen=True, slots=True)
class LinkSpan:
    """A URL and its offsets."""

    url: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Speaker:
    """One person within an article, under their fullest name, with every form seen."""

    name: str
    aliases: tuple[str, ...]


@dataclass(slots=True, unsafe_hash=True)  # not frozen, as ParsedComment (below)
class Block:
    """One article block: a paragraph, an image caption or a bullet list."""

    kind: ParagraphKind
    text: str
    quotes: tuple[FoundQuote, ...] = ()
    links: tuple[LinkSpan, ...] = ()


# Not frozen, as a speed-up (as RawComment): a frozen dataclass's __init__ sets each field
# through object.__setattr__, and parsing builds one or two of these per comment. Nothing
# changes one once built; unsafe_hash keeps them hashable, as frozen ones are.
@dataclass(slots=True, unsafe_hash=True)
class ParsedComment:
    """A comment as the page shows it, before the reply tree is rebuilt."""

    position: int
    author: str
    author_verified: bool
    posted_at: datetime | None
    body: str
    parent_author: str | None = None
    parent_author_verified: bool | None = None
    posted_text: str | None = None
    kind: CommentKind = "comment"
    parent_position: int | None = None  # a parent the page shows (nesting, a number)
    parent_inferred: bool = False  # `parent_position` comes from time order, not the page
    quotes: tuple[FoundQuote, ...] = ()
    links: tuple[LinkSpan, ...] = ()


@dataclass(slots=True, unsafe_hash=True)  # not frozen, as ParsedComment
class ThreadLink:
    """Where one comment sits in the rebuilt reply tree (indices are page positions)."""

    parent: int | None
    resolution: ParentResolution
    depth: int
    root: int
    reply_count: int


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """Everything the parser reads off one page."""

    title: str
    sections: list[list[Block]]
    comments: list[ParsedComment]
    threads: list[ThreadLink] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    content_hash: str = ""
    byline: str | None = None
    published_at: datetime | None = None
    comment_rendering: str | None = None
    warnings: list[str] = field(default_factory=list)
