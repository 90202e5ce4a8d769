"""Page text → article blocks and comments. Pure: no I/O, no database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, tzinfo

from api.ingest.errors import PageError
from api.ingest.headers import Footer, Header, match_footer, match_header, split_names
from api.ingest.identity import page_identity
from api.ingest.model import Block, ParsedComment, ParsedPage
from api.ingest.quotes import article_quotes, comment_quotes
from api.ingest.spans import link_spans
from api.ingest.speakers import Speaker
from api.ingest.threads import resolve_threads
from api.ingest.times import local_to_utc

SECTION_BREAK = re.compile(r"^\s*\*\s*\*\s*\*\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+\S")
END_PUNCTUATION = frozenset(".!?:;\"'”’)…]»")
MAX_CAPTION_WORDS = 20
MAX_PAGE_CHARS = 5_000_000


def normalise(text: str) -> str:
    """Canonical page text: LF line ends, no BOM, no trailing spaces, one final newline."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n") + "\n"


def is_caption(line: str) -> bool:
    """A short line with no closing punctuation, as image captions are on these pages."""
    words = line.split()
    return 1 < len(words) <= MAX_CAPTION_WORDS and line[-1] not in END_PUNCTUATION


def parse_blocks(lines: Sequence[str]) -> list[list[Block]]:
    """Split article lines into sections (on `* * *`) of paragraphs, captions and lists."""
    sections: list[list[Block]] = [[]]
    items: list[str] = []

    def flush_list() -> None:
        if items:
            sections[-1].append(Block("list", "\n".join(items)))
            items.clear()

    for raw in lines:
        line = raw.strip()
        if SECTION_BREAK.match(line):
            flush_list()
            sections.append([])
        elif not line:
            continue
        elif LIST_ITEM.match(line):
            items.append(line)
        else:
            flush_list()
            sections[-1].append(Block("caption" if is_caption(line) else "paragraph", line))
    flush_list()
    return [section for section in sections if section]


def _clean_body(lines: list[str]) -> tuple[str, Footer | None]:
    """Trim a comment body, take off its `In reply to by` footer, collapse blank runs."""
    while lines and not lines[-1].strip():
        lines.pop()
    footer = match_footer(lines[-1]) if lines else None
    if footer is not None:
        lines.pop()
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs), footer


def parse_page(text: str, timezone: tzinfo = UTC) -> ParsedPage:
    """Parse one crawled page; times on the page are read in `timezone` and kept in UTC."""
    if len(text) > MAX_PAGE_CHARS:
        raise PageError(f"page is longer than {MAX_PAGE_CHARS} characters")
    text = normalise(text)
    lines = text.split("\n")
    title_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if title_at is None:
        raise PageError("page is empty")
    title = lines[title_at].strip()
    if match_header(title) is not None:
        raise PageError("page has no title: its first line is a comment header", title_at + 1)

    headers: list[tuple[int, Header]] = []
    for number, line in enumerate(lines[title_at + 1 :], start=title_at + 1):
        header = match_header(line.strip())
        if header is not None:
            headers.append((number, header))

    article_end = headers[0][0] if headers else len(lines)
    sections = parse_blocks(lines[title_at + 1 : article_end])

    raw: list[tuple[Header, str, Footer | None]] = []
    for index, (number, header) in enumerate(headers):
        end = headers[index + 1][0] if index + 1 < len(headers) else len(lines)
        body, footer = _clean_body(lines[number + 1 : end])
        raw.append((header, body, footer))

    known = _known_names(raw)
    comments: list[ParsedComment] = []
    for position, (header, body, footer) in enumerate(raw):
        names = split_names(header.names, footer, known)
        comments.append(
            ParsedComment(
                position=position,
                author=names.author,
                author_verified=names.author_verified,
                posted_at=local_to_utc(header.local_time, timezone, headers[position][0] + 1),
                body=body,
                parent_author=names.parent,
                parent_author_verified=names.parent_verified,
            )
        )
    return assemble(title, sections, comments, page_identity(title, sections, comments))


def assemble(
    title: str, sections: list[list[Block]], comments: list[ParsedComment], digest: str
) -> ParsedPage:
    """Finish a page however it was read: quotes, links, speakers and the reply tree."""
    sections, speakers = _annotate_sections(sections)
    comments = _annotate_comments(comments, {a: s for s in speakers for a in s.aliases})
    return ParsedPage(
        title=title,
        sections=sections,
        comments=comments,
        threads=resolve_threads(comments),
        speakers=speakers,
        content_hash=digest,
    )


def _annotate_sections(
    sections: list[list[Block]],
) -> tuple[list[list[Block]], list[Speaker]]:
    """Quotes (attributed across the whole article) and links of every block."""
    found, speakers = article_quotes([b.text for s in sections for b in s])
    quotes = iter(found)
    annotated = [
        [replace(b, quotes=tuple(next(quotes)), links=tuple(link_spans(b.text))) for b in s]
        for s in sections
    ]
    return annotated, speakers


def _annotate_comments(
    comments: list[ParsedComment], speakers: dict[str, Speaker]
) -> list[ParsedComment]:
    found = comment_quotes(comments, speakers)
    return [
        replace(c, quotes=tuple(q), links=tuple(link_spans(c.body)))
        for c, q in zip(comments, found, strict=True)
    ]


def _known_names(raw: list[tuple[Header, str, Footer | None]]) -> frozenset[str]:
    """Names the page establishes without guessing: footers, and authors split by them."""
    known: set[str] = set()
    for header, _, footer in raw:
        if footer is None:
            if " " not in header.names:
                known.add(header.names)
            continue
        known.add(footer.name)
        names = split_names(header.names, footer, frozenset())
        known.add(names.author)
    return frozenset(known)
