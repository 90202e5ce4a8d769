"""Page text → article blocks and comments. Pure: no I/O, no database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, tzinfo

from api.ingest.errors import PageError
from api.ingest.head import looks_like_comments, read_head
from api.ingest.identity import page_identity
from api.ingest.model import Block, FoundQuote, LinkSpan, ParsedComment, ParsedPage, Speaker
from api.ingest.quotes import article_quotes, comment_quotes
from api.ingest.renderings import RawComment, choose, slashdot
from api.ingest.replies import (
    Authors,
    opening,
    stated_parent,
    time_order_parents,
    without_reply_line,
)
from api.ingest.spans import link_spans
from api.ingest.threads import resolve_threads
from api.ingest.times import MONTH_WORD, local_to_utc, read_time

SECTION_BREAK = re.compile(r"^\s*\*\s*\*\s*\*\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+\S")
LIST_OPENERS = "-*•·"  # or a digit, opening a stripped LIST_ITEM line
END_PUNCTUATION = frozenset(".!?:;\"'”’)…]»")
MAX_CAPTION_WORDS = 20
MAX_PAGE_CHARS = 5_000_000
DEEP = 2  # nesting depth from which a reply's first-name address picks its parent in the thread


def normalise(text: str) -> str:
    """Canonical page text: LF line ends, no BOM, no trailing spaces, one final newline."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n") + "\n"


def is_caption(line: str) -> bool:
    """A short line with no closing punctuation, as image captions are on these pages."""
    words = line.split(None, MAX_CAPTION_WORDS)  # a longer line stops splitting past the limit
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
        opener = line[:1]  # both patterns need one of a few: most lines open with a letter
        if opener == "*" and SECTION_BREAK.match(line):
            flush_list()
            sections.append([])
        elif not line:
            continue
        elif (opener in LIST_OPENERS or opener.isdigit()) and LIST_ITEM.match(line):
            items.append(line)
        else:
            flush_list()
            sections[-1].append(Block("caption" if is_caption(line) else "paragraph", line))
    flush_list()
    return [section for section in sections if section]


def parse_page(text: str, timezone: tzinfo = UTC, crawled_at: datetime | None = None) -> ParsedPage:
    """Parse one crawled page; times on the page are read in `timezone` and kept in UTC.
    Relative times ("2 hours ago") are read against `crawled_at`, else left unknown."""
    if len(text) > MAX_PAGE_CHARS:
        raise PageError(f"page is longer than {MAX_PAGE_CHARS} characters")
    text = normalise(text)
    lines = text.split("\n")
    if not any(line.strip() for line in lines):
        raise PageError("page is empty")
    local_crawl = None if crawled_at is None else crawled_at.astimezone(timezone)
    choice = choose(lines, runner_up=False)
    section_start = choice.section.start if choice is not None else len(lines)
    head = read_head(lines, section_start)
    if choice is not None and choice.name == "drupal" and choice.section.start <= head.title_at:
        raise PageError("page has no title: its first line is a comment header", head.title_at + 1)
    body_end = section_start if head.body_end is None else head.body_end
    sections = parse_blocks(lines[head.body_at : body_end])
    comments = (
        build_comments(
            choice.section.comments,
            timezone,
            local_crawl,
            quotes_link=choice.name != "drupal",
            article="\n".join(lines[head.body_at : body_end]),
        )
        if choice is not None
        else []
    )
    warnings = []
    if choice is None and looks_like_comments(lines):
        warnings.append("the page seems to have comments, but no rendering read them")
    published = None if head.published is None else read_time(head.published, local_crawl)
    title = head.title
    if choice is not None and choice.name == slashdot.NAME and head.title_at + 1 < len(lines):
        title = slashdot.headline(title, lines[head.title_at + 1])
    page = assemble(title, sections, comments, page_identity(title, sections, comments))
    return replace(
        page,
        byline=head.byline,
        published_at=None if published is None else _in_range_or_none(published, timezone),
        comment_rendering=None if choice is None else choice.name,
        warnings=warnings,
    )


def _in_range_or_none(local: datetime, timezone: tzinfo) -> datetime | None:
    """A date read off the article's header, in UTC; None when UTC cannot hold it."""
    try:
        return local_to_utc(local, timezone)
    except PageError:
        return None


def build_comments(
    raw: Sequence[RawComment],
    timezone: tzinfo,
    crawled_at: datetime | None,
    *,
    quotes_link: bool = True,
    article: str = "",
) -> list[ParsedComment]:
    """Times read, and the parent each comment's nesting or reply line shows. Without
    `quotes_link` (a rendering whose headers name every reply's parent), repeating an earlier
    comment's words does not make a comment a reply, nor does time order; quoting the
    `article` never does."""
    comments: list[ParsedComment] = []
    stack: list[tuple[int, int]] = []  # (depth, position) of the comments still open
    authors = Authors(article=article)
    for position, item in enumerate(raw):
        local = item.local_time
        if local is None and item.posted_text:
            local = read_time(item.posted_text, crawled_at)
        parent_position = None
        if item.depth is not None:
            # The parent is the nearest comment above that is nested less deeply.
            while stack and stack[-1][0] >= item.depth:
                stack.pop()
            if stack and item.depth > 0:
                parent_position = stack[-1][1]
            stack.append((item.depth, position))
        if item.reply_to_index is not None and 0 <= item.reply_to_index < position:
            parent_position = item.reply_to_index
        opened = opening(item.body)
        if item.reply_to is None and item.reply_to_index is None:
            said = (item.body, item.author)
            nested = parent_position is not None or bool(item.depth)
            deep = item.depth is not None and item.depth >= DEEP
            stated = stated_parent(
                *said,
                authors=authors,
                position=position,
                opened=opened,
                nested=nested,
                deep=deep,
                when=local,
            )
            if not nested:
                parent_position = stated
                if stated is None and quotes_link:
                    parent_position = authors.quoted(*said)
            elif stated is not None and parent_position is not None and stated > parent_position:
                # Nested under a thread, the body names which comment of it it answers.
                parent_position = stated
        body = without_reply_line(item.body, opened)
        parent_author, parent_verified = item.reply_to, item.reply_to_verified
        if parent_position is not None:
            parent_author = comments[parent_position].author
            parent_verified = comments[parent_position].author_verified
        elif parent_author is not None and parent_verified is None:
            parent_verified = True
        comments.append(
            ParsedComment(
                position=position,
                author=item.author,
                author_verified=item.author_verified,
                posted_at=None if local is None else local_to_utc(local, timezone, item.line + 1),
                body=body,
                parent_author=parent_author,
                parent_author_verified=parent_verified,
                posted_text=item.posted_text,
                kind=item.kind,
                parent_position=parent_position,
            )
        )
        authors.add(item.author, position, item.body, local)
    if quotes_link and all(item.depth is None for item in raw):
        comments = _replies_by_time(comments, _order_times(comments))
    return comments


# The year a page's dates are read in when none shows one and no crawl time is known: only
# their order is wanted (which comment came first), never stored.
ORDER_YEAR = datetime(2000, 1, 1)


def _order_times(comments: list[ParsedComment]) -> list[float | None]:
    """Each comment's time, for ordering: the time read, or, on a page whose every time
    shows no year (and no crawl time lends one), the date read in one year for all."""
    times = [
        c.posted_at.timestamp() if c.posted_at is not None and c.kind == "comment" else None
        for c in comments
    ]
    if any(t is not None for t in times):
        return times
    # a month's name on each: a clock time alone, or "2 hours ago", orders nothing across days
    shown = [
        c.posted_text
        if c.kind == "comment"
        and c.posted_text is not None
        and MONTH_WORD.search(c.posted_text) is not None
        and "ago" not in c.posted_text
        else None
        for c in comments
    ]
    if sum(text is not None for text in shown) < 2:
        return times
    order: list[float | None] = []
    for text in shown:
        local = None if text is None else read_time(text, ORDER_YEAR)
        order.append(None if local is None else local.replace(tzinfo=UTC).timestamp())
    return order


def _replies_by_time(
    comments: list[ParsedComment], times: list[float | None]
) -> list[ParsedComment]:
    """`comments` with the parents a flattened thread shows by time order alone (see
    `time_order_parents`, `times` each comment's time or None); a page that shows nesting
    needs none."""
    placed = [c.parent_position is not None or c.parent_author is not None for c in comments]
    parents = time_order_parents(times, [c.parent_position for c in comments], placed)
    out = list(comments)
    for c, parent in zip(comments, parents, strict=True):
        if parent is not None and c.parent_position is None and c.parent_author is None:
            above = comments[parent]
            out[c.position] = replace(
                c,
                parent_position=parent,
                parent_inferred=True,
                parent_author=above.author,
                parent_author_verified=above.author_verified,
            )
    return out


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
    annotated = [[_block_with(b, next(quotes), link_spans(b.text)) for b in s] for s in sections]
    return annotated, speakers


def _block_with(block: Block, quotes: list[FoundQuote], links: list[LinkSpan]) -> Block:
    """`block` with these quotes and links; the block itself when it has none and gets none
    (most blocks: building a frozen dataclass anew costs more than the test)."""
    if not quotes and not links and not block.quotes and not block.links:
        return block
    return Block(block.kind, block.text, tuple(quotes), tuple(links))


def _annotate_comments(
    comments: list[ParsedComment], speakers: dict[str, Speaker]
) -> list[ParsedComment]:
    found = comment_quotes(comments, speakers)
    return [_comment_with(c, q, link_spans(c.body)) for c, q in zip(comments, found, strict=True)]


def _comment_with(
    c: ParsedComment, quotes: list[FoundQuote], links: list[LinkSpan]
) -> ParsedComment:
    """`c` with these quotes and links; the comment itself when it has none and gets none
    (most comments)."""
    if not quotes and not links and not c.quotes and not c.links:
        return c
    return ParsedComment(  # every field named: cheaper than dataclasses.replace per comment
        position=c.position,
        author=c.author,
        author_verified=c.author_verified,
        posted_at=c.posted_at,
        body=c.body,
        parent_author=c.parent_author,
        parent_author_verified=c.parent_author_verified,
        posted_text=c.posted_text,
        kind=c.kind,
        parent_position=c.parent_position,
        parent_inferred=c.parent_inferred,
        quotes=tuple(quotes),
        links=tuple(links),
    )
