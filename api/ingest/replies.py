"""Replies a comment states in its own text: `@name` or `@7`, `NAME,` or `NAME -` opening the body,
the name alone on its first line, a lowercase handle opening it, `NAME wrote:`, "Originally
posted ... by NAME", "In reply to NAME", "Response to NAME, DATE"; and the replies a thread the
page lists flat shows by time order alone (`time_order_parents`). Pure.

Each names an earlier comment's author, posted before the reply; the nearest such comment above
is the parent. A first name names a handle it opens ("Eric" EricTTung). Names are looked up in
a dict as the page is read, so the cost stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from api.ingest.spans import quote_spans
from api.ingest.times import find_time

AT = re.compile(r"^@\s?(?P<name>[^\s:,—–-][^\n:,—–]{0,40})")
# "@7", "@ #7", "#7": comment 7 ("#1, #2 -", "#7/8": the first named)
NUMBER = re.compile(r"^(?:@\s?#?|#)(?P<number>\d{1,5})(?!\d|[:.]\d)")
# A bare number set off as a reference: "17. Ann", "33..cont", "33 – it's true", "33 & 34:",
# "69 &71" (never "10.5", "10:30", "5 - 3", nor the first item of a numbered list)
BARE_NUMBER = re.compile(
    r"^(?P<number>\d{1,4})(?:\.(?=\s|[\"“‘'])|\.\.(?=[^\W\d])|\s?&|\s[-–—]\s(?!\s*\d))"
)
LIST_ITEM = re.compile(r"\n\s*\d{1,3}[.)]\s")
# "Soullite @35", "Antti @50:": a name and the number of that person's comment
NAMED_NUMBER = re.compile(
    r"^(?P<name>[^\W\d][^\s@:,]{0,30}(?: [^\W\d][^\s@:,]{0,30})?)"
    r"\s?@\s?(?P<number>\d{1,5})(?!\d|[:./]\d)"
)
# The furthest a NAMED_NUMBER's "@" can stand: after two words of up to 31 characters, their
# space and one more.
NAMED_NUMBER_AT = 31 + 1 + 31 + 1 + 1
# "@name" inside the text: after a space or a bracket, never inside a word (an e-mail address)
MENTION = re.compile(r"(?<![^\s(\[])@(?P<name>[^\W\d][^\n:,—–.!?;)]{0,40})")
# Titles before a name, which readers leave out when they address the person by first name
TITLES = frozenset("dr mr mrs ms miss prof professor rev fr sir dame".split())
# A name run into the rest of a handle: a capitalised word before a capital, digit or mark
HANDLE_HEAD = re.compile(r"([A-Z][a-z]{2,})(?=[A-Z0-9@_.-])")
# A handle of lowercase letters and digits (never a capitalised word) opening a body
HANDLE_OPENING = re.compile(r"([a-z][a-z0-9_]{3,30})\s+(?=[A-Z])")
# Thanks, then a name set off by a mark, the line's end or "for"/"and" ("Thanks Tony!", "Thank
# you Melanie!", "Thank you AlanS for ..."): an answer. A greeting ("Hi Tim,") is not: readers
# greet the post's writer so.
THANKS = re.compile(
    r"^(?:thanks|thank\s+you|thx)[ ,]+"
    r"(?P<name>[^\W\d_][^\s,:;!?.—–-]{0,30})(?=\s*(?:[,:;!?.—–-]|$)|\s+(?:for|and)\b)",
    re.IGNORECASE,
)
POSSESSIVE = re.compile(r"['’]s?$")
# A short line that ends by naming whom it answers ("You nailed it Nico", "Agreed, Ann").
CLOSING_WORD = re.compile(r"[^\W\d_][\w'’-]{1,30}")
MAX_CLOSING_WORDS, MAX_CLOSING_CHARS = 6, 60
# "Hey Tim", "Hi Tim": readers greet the post's writer so, not the commenter of that name.
GREETINGS = frozenset("hi hey hello hiya howdy dear yo greetings".split())
CANDIDATES = 8  # namesakes a reply chooses among: the latest ones
MIN_QUOTED = 20  # characters of a quotation that can tell namesakes apart
# An unmarked opening sentence repeated from an earlier comment: its length in characters
MIN_EXCERPT, MAX_EXCERPT = 40, 240
SENTENCE_END = re.compile(r"[.?!]\s+\S")  # a sentence's end inside a line
QUOTE_MARKS = "\"'“”‘’«» "
VOCATIVE = re.compile(r"^(?P<name>[^\n,:!—–-]{1,40}?)\s*(?:,|:|!|\s(?:--|[-—–]))(?:\s|$)")
QUOTED = re.compile(
    r"^(?:.{0,60}?\bposted\b.{0,40}?\bby\s+(?P<by>[^\n]{1,40}?)\s*$"
    r"|(?P<wrote>[^\n]{1,40}?)\s+(?:wrote|said)\s*:\s*$"
    r"|(?:in\s+)?(?:reply|response)\s+to\s+(?P<to>[^\n,]{1,40}?)\s*(?:,[^\n]{0,40})?(?:[.:]\s*)?$)",
    re.IGNORECASE,
)


def _key(name: str) -> str:
    return " ".join(name.lower().split())


@dataclass(slots=True)
class Authors:
    """The positions of every author read so far (the latest CANDIDATES of each), by full name
    and by first word, and each comment's body (to choose among namesakes)."""

    full: dict[str, list[int]] = field(default_factory=dict)
    first: dict[str, list[int]] = field(default_factory=dict)
    last: dict[str, list[int]] = field(default_factory=dict)  # by the last of several words
    # by the name a handle opens with ("Eric" of "EricTTung", "Melanie" of "Melanie@uprinting")
    heads: dict[str, list[int]] = field(default_factory=dict)
    bodies: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    times: list[datetime | None] = field(default_factory=list)  # each comment's, as shown
    # The paragraphs and lines of the first `indexed` bodies, by the head of their _said text
    # (see `_said_head`): read only when a body that might repeat an earlier one asks (most
    # never do). Each is (position, text, its _said text when read whole, else None).
    said_heads: dict[str, list[tuple[int, str, str | None]]] = field(default_factory=dict)
    indexed: int = 0
    # A paragraph or line's _said text -> who said it first, of the pieces of `said_heads`
    # read whole so far: the first `resolved[head]` of each head's.
    said: dict[str, int] = field(default_factory=dict)
    resolved: dict[str, int] = field(default_factory=dict)
    plain: dict[int, str] = field(default_factory=dict)  # bodies as _plain reads them, once
    article: str = ""  # the article's text: quoting it answers no comment
    article_plain: str | None = None
    article_lower: str | None = None
    chunks: list[str] = field(default_factory=list)  # bodies joined CHUNK by CHUNK
    # author -> the name's key and the lists above its comments go in, found once per name
    listed: dict[str, tuple[str, list[list[int]]]] = field(default_factory=dict)

    def add(self, author: str, position: int, body: str = "", when: datetime | None = None) -> None:
        while len(self.bodies) < position:
            self.bodies.append("")
            self.names.append("")
            self.times.append(None)
        listed = self.listed.get(author)
        if listed is None:
            listed = self.listed[author] = self._lists(author)
        key, lists = listed
        self.bodies.append(body)
        self.names.append(key)
        self.times.append(when)
        for positions in lists:
            _push(positions, position)

    def _lists(self, author: str) -> tuple[str, list[list[int]]]:
        """`author`'s name key, and the lists of positions each comment by `author` goes in."""
        key = _key(author)
        lists = []
        found = key.strip(".!?")  # as `find_all` looks names up: "js." is "@js"
        if found:
            lists.append(self.full.setdefault(found, []))
            words = found.split()
            lists.append(self.first.setdefault(words[0], []))
            if len(words) > 2 and words[0].rstrip(".") in TITLES:  # "Dr. Joan Smith": Joan
                lists.append(self.first.setdefault(words[1], []))
            if len(words) > 1:
                lists.append(self.last.setdefault(words[-1], []))
            for word in author.split():
                head = HANDLE_HEAD.match(word)
                if head is not None:
                    lists.append(self.heads.setdefault(head[1].lower(), []))
        return key, lists

    def find(self, name: str, *, loose: bool) -> int | None:
        """The nearest comment by `name` (or, when loose, by an author whose first word it is)."""
        found = self.find_all(name, loose=loose)
        return found[-1] if found else None

    def find_all(self, name: str, *, loose: bool) -> list[int]:
        """The latest comments by `name` (see `find`), in page order."""
        key = _key(name).strip(".!?")
        if not key:
            return []
        if key in self.full:
            return self.full[key]
        words = key.split()
        if len(words) == 2 and len(words[1]) == 1 and words[1].isalpha():
            # "Tim W": a first name and the initial of the surname
            return [
                p
                for p in self.first.get(words[0], [])
                if [word[0] for word in self.names[p].split()[1:2]] == [words[1]]
            ]
        if loose:
            for cut in range(len(words), 0, -1):  # "@Ken — ..." matches "Ken Y."
                hit = self.first.get(words[0]) if cut == 1 else self.full.get(" ".join(words[:cut]))
                if hit:
                    return hit
            heads = self.heads.get(key, []) if len(words) == 1 else []
            if heads:  # "Eric, ..." answers EricTTung
                return heads
            owner = POSSESSIVE.sub("", words[0])  # "in @Chris' situation": Chris
            if owner != words[0]:
                return self.first.get(owner, [])
            surname = self.last.get(key, []) if len(words) == 1 else []
            if len({self.names[p] for p in surname}) == 1:  # "@Helwig": one Ron Helwig
                return surname
        return []

    def choose(
        self, candidates: list[int], body: str, author: str, when: datetime | None = None
    ) -> int | None:
        """Among comments by one name, the one a reply answers: the one whose words it quotes,
        else the one that addressed the replier ("@NAME"), else the nearest. A reply posted
        `when` answers no comment posted after it."""
        if when is not None:
            candidates = [p for p in candidates if (self.times[p] or when) <= when]
        if len(candidates) < 2:
            return candidates[-1] if candidates else None
        quoted = [_flat(body[q.start : q.end]) for q in quote_spans(body)]
        quoted = [q for q in quoted if len(q) >= MIN_QUOTED]
        if quoted:
            for position in reversed(candidates):
                text = _flat(self.bodies[position])
                if any(q in text for q in quoted):
                    return position
        replier = _key(author)
        if replier:
            for position in reversed(candidates):
                body = self.bodies[position]
                if "@" in body and any(_addresses(m, replier) for m in MENTION.finditer(body)):
                    return position
        return candidates[-1]

    def quoted(self, body: str, author: str) -> int | None:
        """The earlier comment, by someone else, whose paragraph or line this body repeats
        before going on in its own words (a quote block, "> ..." lines, an indented excerpt),
        or whose words alone the body opens by quoting ("“As a contributor, Tim, …” …")."""
        text = body.strip()
        paragraphs = text.split("\n\n")
        if len(paragraphs) > 1:  # a body of one paragraph repeats none before going on
            replier = None
            for paragraph in paragraphs[:-1]:
                head, piece = _said_head(paragraph)
                if len(head) < MIN_QUOTED:
                    continue  # shorter than any piece indexed
                position = self._first_saying(head, paragraph, piece)
                if position is not None:
                    replier = _key(author) if replier is None else replier
                    if self.names[position] != replier:
                        return position
        excerpt = _opening_quote(text)
        if excerpt is None and len(paragraphs) > 1:
            first = paragraphs[0].strip()
            if (
                MIN_EXCERPT <= len(first) <= MAX_EXCERPT
                and "\n" not in first
                and SENTENCE_END.search(first) is None
            ):
                # an earlier comment's sentence repeated alone, then answered, without marks
                return self._repeated(first, _key(author))
        if excerpt is None:
            return None
        if self._in_article(excerpt):
            return None  # readers quoting the article answer no one of them
        return self._sole_source(excerpt, _key(author))

    def _repeated(self, sentence: str, replier: str) -> int | None:
        """The one recent comment, by someone else, that says `sentence` as written (not
        right after a quote mark); None when none or several do, or the article says it."""
        found = None
        for position in self._may_say(sentence, max(0, len(self.bodies) - LOOKBACK)):
            if self.names[position] == replier:
                continue
            body = self.bodies[position]
            at = body.find(sentence)
            if at < 0 or body[:at].rstrip()[-1:] in QUOTE_MARKS + ">":
                continue
            if found is not None:
                return None
            found = position
        return None if found is None or sentence in self.article else found

    def _may_say(self, line: str, start: int) -> Iterator[int]:
        """The positions from `start` on whose bodies may hold `line` (no line break), in
        order: those of each CHUNK of bodies, joined, that holds it, and the bodies after the
        last whole CHUNK (each body is joined once, so looking stays linear)."""
        bodies, chunks = self.bodies, self.chunks
        while len(chunks) < len(bodies) // CHUNK:
            chunks.append("\n".join(bodies[len(chunks) * CHUNK : (len(chunks) + 1) * CHUNK]))
        for index in range(start // CHUNK, len(chunks)):
            if line in chunks[index]:
                yield from range(max(start, index * CHUNK), (index + 1) * CHUNK)
        yield from range(max(start, len(chunks) * CHUNK), len(bodies))

    def _sole_source(self, excerpt: str, replier: str) -> int | None:
        """The one recent comment, by someone else, that says `excerpt` in its own words (not
        inside quote marks or "> " lines); None when no comment or several do."""
        found = None
        word = _plain_word(excerpt)
        for position in range(max(0, len(self.bodies) - LOOKBACK), len(self.bodies)):
            if self.names[position] == replier:
                continue
            text = self.plain.get(position)
            if text is None:
                body = self.bodies[position]
                if word not in body.lower():
                    continue  # (the body's plain text cannot hold the excerpt)
                text = self.plain[position] = _plain(body)
            at = text.find(excerpt)
            if at < 0 or text[:at].rstrip()[-1:] in ('"', ">"):
                continue
            if found is not None:
                return None
            found = position
        return found

    def _in_article(self, excerpt: str) -> bool:
        """Whether the article, as _plain reads it, holds `excerpt`; read so only once its
        lowercased text is known to hold the excerpt's longest word (most excerpts' is not)."""
        if self.article_plain is None:
            if self.article_lower is None:
                self.article_lower = self.article.lower()
            if _plain_word(excerpt) not in self.article_lower:
                return False
            self.article_plain = _plain(self.article)
        return excerpt in self.article_plain

    def _first_saying(self, head: str, text: str, piece: str | None) -> int | None:
        """The first comment, of those added so far, with a paragraph or line that reads as
        `text` does (a paragraph whose `_said_head` is `head` and `piece`). Only the pieces
        indexed under the same head are read whole, each once."""
        listed = self._heads_so_far().get(head)
        if listed is None:
            return None
        for position, earlier, said in listed[self.resolved.get(head, 0) :]:
            self.said.setdefault(_said(earlier) if said is None else said, position)
        self.resolved[head] = len(listed)
        return self.said.get(_said(text) if piece is None else piece)

    def _heads_so_far(self) -> dict[str, list[tuple[int, str, str | None]]]:
        """The index of pieces by head, brought up to every body added so far."""
        for position in range(self.indexed, len(self.bodies)):
            for text in _pieces(self.bodies[position]):
                head, said = _said_head(text)
                if len(head) >= MIN_QUOTED:  # a piece as long as a quotation can be
                    self.said_heads.setdefault(head, []).append((position, text, said))
        self.indexed = len(self.bodies)
        return self.said_heads


class Opening(NamedTuple):
    """How a body opens, read once for both its stated parent and its reply line: the body
    without leading space, its first line (stripped), and that line read as a quote header
    or reply line."""

    text: str
    first: str
    quoted: re.Match[str] | None


def opening(body: str) -> Opening:
    text = body.lstrip()
    end = text.find("\n")
    first = (text if end < 0 else text[:end]).strip()  # no copy of the rest of the body
    return Opening(text, first, reply_header(first))


# What a line needs for each form of QUOTED: "posted ... by", to end with a colon ("NAME
# wrote:", spaces aside), or to open with "in" or the "re" of "reply"/"response" (U+0130 and
# U+0131 match i, ignoring case; no other letter of these words matches anything but itself
# in either case).
REPLY_OPENERS = frozenset(
    [i + n for i in "iI\u0130\u0131" for n in "nN"] + [r + e for r in "rR" for e in "eE"]
)


def reply_header(line: str) -> re.Match[str] | None:
    """QUOTED.match(line), without running it on the many lines it cannot match."""
    if line.rstrip()[-1:] != ":" and line[:2] not in REPLY_OPENERS:
        lowered = line.lower()
        if "ted" not in lowered or "by" not in lowered:
            return None
    return QUOTED.match(line)


# Characters of a text `_said_head` reads before the space it cuts the text at.
HEAD_CHARS = MIN_QUOTED


def _said_head(text: str) -> tuple[str, str | None]:
    """The first MIN_QUOTED characters of `_said(text)` (all of it when shorter), and
    `_said(text)` itself when it was read whole (else None). A text is read, when it can be,
    only up to the first space after HEAD_CHARS characters: `_said` of a text cut at a space
    opens `_said` of the whole, as its lines are stripped, ">" taken off and spaces collapsed
    alike up to the space, and lowercasing a letter looks no further than the next space."""
    cut = text.find(" ", HEAD_CHARS)
    if cut >= 0:
        head = _said(text[:cut])
        if len(head) >= MIN_QUOTED:
            return head[:MIN_QUOTED], None
    piece = _said(text)
    return piece[:MIN_QUOTED], piece


def _said(text: str) -> str:
    """A paragraph as it is compared with the words of earlier comments: lowercased, quote
    marks and "> " left out, spaces collapsed."""
    if ">" not in text:  # no "> ": most paragraphs
        # Its lines joined by spaces: each line end read as a space. Spaces are collapsed
        # already when no two are adjacent and no other whitespace is there (every other
        # whitespace character is unprintable): most paragraphs. A paragraph of several lines
        # that is not so is read below, line by line.
        said = text.strip().replace("\n", " ").lower().strip(QUOTE_MARKS)
        if "  " not in said and said.isprintable():
            return said
        if "\n" not in text:
            return " ".join(said.split())
    lines = (line.strip().lstrip(">").strip() for line in text.split("\n"))
    return " ".join(" ".join(lines).lower().strip(QUOTE_MARKS).split())


# Quote marks, read as one; an excerpt opens with one of OPENERS (or "> ") and ends at the last
# closing mark of its paragraph, and must be long enough to be someone's words.
QUOTE_CHARS = re.compile("[\"“”«»‘’'`]")
OPENERS = '"“”«'  # a closing mark opening a body is a typo for an opening one
CLOSERS = '"”»'
MIN_EXCERPT = 20
QUOTE_OPENING = frozenset('"“”«>')  # what a paragraph quoting someone else opens with
LOOKBACK = 200  # earlier comments an opening excerpt is looked for in (keeps parsing linear)
CHUNK = 16  # bodies a repeated sentence is looked for in at once, before each of them


def _plain(text: str) -> str:
    """Text as excerpts are compared: lowercased, every quote mark one, spaces collapsed."""
    return " ".join(QUOTE_CHARS.sub('"', text.lower()).split())


def _plain_word(plain: str) -> str:
    """The longest run of `plain` (a text as _plain reads it) without a space or quote mark:
    a text's lowercased text holds it as it is wherever its _plain text holds `plain`."""
    return max(plain.replace('"', " ").split(), key=len, default="")


def _opening_quote(text: str) -> str | None:
    """The words a body opens by quoting and then answers in its own: its leading "> " lines,
    or its first paragraph's text within quote marks; as _plain reads it, ends trimmed."""
    if text.startswith(">"):
        lines = text.split("\n")
        count = next((i for i, line in enumerate(lines) if not line.startswith(">")), len(lines))
        excerpt, rest = " ".join(line[1:] for line in lines[:count]), "\n".join(lines[count:])
    elif text[:1] in OPENERS:
        paragraph = text.partition("\n\n")[0]
        close = max(paragraph.rfind(mark, 1) for mark in CLOSERS)
        end = len(paragraph.rstrip()) - 1
        if end > close and paragraph[end] == "“":  # “… pro-gay “: an opening mark closing it
            close = end
        if close < 0:
            return None
        excerpt, rest = paragraph[1:close], text[close + 1 :]
    else:
        return None
    excerpt = _plain(excerpt).strip('" .…')
    if len(excerpt) < MIN_EXCERPT or len(rest.strip(' \n\t"”»–—-.')) == 0:
        return None
    return excerpt


def _pieces(body: str) -> list[str]:
    """The paragraphs and lines of a body that are recognised when quoted, as written, but
    not those it quotes itself (a paragraph opening with a quote mark or "> "): repeating
    them answers whoever said them first. (A piece may come twice.)"""
    paragraphs = body.split("\n\n") if "\n" in body else [body]  # most: one line
    out = []
    for paragraph in paragraphs:
        opener = paragraph[:1]
        if opener.isspace():
            opener = paragraph.lstrip()[:1]
        if opener in QUOTE_OPENING:
            continue
        out.append(paragraph)
        if "\n" in paragraph:
            out.extend(paragraph.split("\n"))
    return out


def _push(positions: list[int], position: int) -> None:
    positions.append(position)
    if len(positions) > CANDIDATES:
        del positions[0]


def _flat(text: str) -> str:
    return " ".join(text.lower().split())


def _addresses(mention: re.Match[str], name: str) -> bool:
    """Whether "@name" names the author `name` (by full name or first word)."""
    words = _key(mention["name"]).strip(".!?").split()
    wanted = name.split()
    return bool(words) and (words[: len(wanted)] == wanted or words[0] == wanted[0])


def without_reply_line(body: str, opened: Opening | None = None) -> str:
    """The body without an opening "In reply to NAME" / "Response to NAME, DATE" line: the
    page's link to the parent, not the reader's words. `opened` is `opening(body)`, when the
    caller has read it already."""
    opened = opening(body) if opened is None else opened
    quoted = opened.quoted
    if quoted is None or quoted["to"] is None:
        return body
    rest = opened.text.partition("\n")[2]
    if not rest.strip():
        return body
    tail = opened.first[quoted.end("to") :].strip(" .:")
    if tail and find_time(tail) is None:  # "Reply to Bob, I think ...": the reader's words
        return body
    return rest.strip()


# The characters a VOCATIVE name stops before: a body whose text before the first of them is
# longer than the longest name, trailing space aside, names no one.
NAME_STOP = re.compile(r"[\n,:!—–-]")
MAX_VOCATIVE = 40


def _vocative(text: str) -> re.Match[str] | None:
    """VOCATIVE.match(text), without running it on the many bodies it cannot match."""
    if (
        len(text) > MAX_VOCATIVE
        and not text[MAX_VOCATIVE].isspace()
        and NAME_STOP.search(text, 0, MAX_VOCATIVE + 1) is None
    ):
        return None  # longer than a name before any stop: no need to find the first stop
    stop = NAME_STOP.search(text)
    before = text if stop is None else text[: stop.start()]
    if len(before) > MAX_VOCATIVE and len(before.rstrip()) > MAX_VOCATIVE:
        return None
    return VOCATIVE.match(text)


def stated_parent(
    body: str,
    author: str = "",
    *,
    authors: Authors,
    position: int,
    opened: Opening | None = None,
    nested: bool = False,
    deep: bool = False,
    when: datetime | None = None,
) -> int | None:
    """The position of the comment this body (at `position`, by `author`) says it answers,
    or None. "@7" is the seventh comment, counted from 1 as pages number them; "@name" may
    open the text or stand inside it. `opened` is `opening(body)`, when the caller has read
    it already. A comment not `nested` by the page may name its parent by first name alone
    ("Jonathan, ..." answers Jonathan Turner); a nested one is placed by its nesting first,
    and names its parent so only when `deep` in a thread (two levels or more, where pages stop
    indenting replies and readers say whom they answer). A body posted `when` names no comment
    posted after it (readers address the post's writer by first name, not a later comment)."""
    opened = opening(body) if opened is None else opened
    text = opened.text
    number = NUMBER.match(text)
    if number is None and text[:1].isdigit():
        number = BARE_NUMBER.match(text)
        if number is not None and LIST_ITEM.search(text) is not None:
            number = None  # "1. … / 2. …": a list of the reader's points
    if number is not None:
        shown = int(number["number"]) - 1
        return shown if 0 <= shown < position else None
    named = NAMED_NUMBER.match(text) if "@" in text[:NAMED_NUMBER_AT] else None
    if named is not None:
        # The number, when it is a comment by that name (pages number from 1); else the name.
        shown = int(named["number"]) - 1
        first = _key(named["name"]).split()[0]
        if 0 <= shown < position and authors.names[shown].split()[:1] == [first]:
            return shown
        return authors.choose(authors.find_all(named["name"], loose=True), body, author, when)
    at = AT.match(text)
    if at is not None:
        found = authors.choose(authors.find_all(at["name"], loose=True), body, author, when)
        if found is not None:
            return found
    quoted = opened.quoted
    if quoted is not None:
        name = quoted["by"] or quoted["wrote"] or quoted["to"]
        return authors.choose(authors.find_all(name, loose=False), body, author, when)
    vocative = _vocative(text)
    if vocative is not None:
        name = vocative["name"].strip()
        loose = (not nested or deep) and " " not in name and name[:1].isupper()
        loose = loose and name[1:].islower()
        found = authors.choose(authors.find_all(name, loose=loose), body, author, when)
        if found is not None:
            if _addresses_others(text, authors, found):
                return None  # "Ann: … / Bob: … / Cy: …": an answer to several, not one
            return found
    thanks = THANKS.match(text) if text[:1] in "Tt" else None
    if thanks is not None:  # "Thanks Tony!": the reply thanks its parent's author
        name = thanks["name"]
        loose = (not nested or deep) and name[:1].isupper()
        found = authors.choose(authors.find_all(name, loose=loose), body, author, when)
        if found is not None:
            return found
    closing = _closing_name(opened.first)
    if closing is not None:  # "You nailed it Nico": a short line closing on a whole name
        found = authors.choose(authors.find_all(closing, loose=False), body, author, when)
        if found is not None and authors.names[found] != _key(author):
            return found
    handle = HANDLE_OPENING.match(text)
    if handle is not None:  # "boborci If you …": a reader's handle, as typed, opening the reply
        found = authors.choose(authors.find_all(handle[1], loose=False), body, author, when)
        if found is not None and authors.names[found] == handle[1]:
            return found
    if "\n" in text and len(opened.first) <= MAX_VOCATIVE:
        # A salutation line: the first line is an earlier commenter's name alone
        alone = authors.find_all(opened.first.strip(" .,:;!"), loose=False)
        found = authors.choose(alone, body, author, when)
        if found is not None:
            return found
    if "@" in text:
        for mention in MENTION.finditer(text):
            found = authors.choose(
                authors.find_all(mention["name"], loose=True), body, author, when
            )
            if found is not None:
                return found
    return None


def _closing_name(first: str) -> str | None:
    """The name a short first line closes on, after a space or a comma, when words come before
    it and the line is no greeting ("Hey Tim": readers greet the post's writer so)."""
    if len(first) > MAX_CLOSING_CHARS or not first[-1:].isalpha():
        return None
    words = first.split()
    if not 2 <= len(words) <= MAX_CLOSING_WORDS or words[0].lower().strip(",!") in GREETINGS:
        return None
    name = words[-1]
    return name if CLOSING_WORD.fullmatch(name) is not None else None


def _addresses_others(text: str, authors: Authors, first: int) -> bool:
    """Whether a later paragraph of `text` opens by naming another earlier commenter."""
    for paragraph in text.split("\n\n")[1:]:
        vocative = _vocative(paragraph.lstrip())
        if vocative is not None:
            other = authors.find(vocative["name"], loose=False)
            if other is not None and other != first:
                return True
    return False


def time_order_parents(
    times: Sequence[float | None], parents: Sequence[int | None], placed: Sequence[bool]
) -> list[int | None]:
    """Replies a flattened thread shows by time alone: each comment's parent, given each
    comment's time (None: not in the thread's order, as a trackback), the parents known
    (`parents`) and which comments the page has placed already (`placed`: a parent shown or
    named).

    A thread listed depth first, oldest reply first, whose top-level comments run oldest
    first: a top-level comment is older than every comment below it, so one that a later
    comment predates is a reply. Pages that list the newest thread first mirror this: a
    top-level comment is older than every comment above it, so one posted after a comment
    above it is a reply. The order the page follows is the one that needs fewer replies.
    A reply posted after the comment above it answers that comment (the thread went
    deeper); one posted before it answers the comment the older of the comments above it,
    on their thread, answers (it is that one's younger sibling). Linear: the open thread
    is a stack."""
    count = len(times)
    later = _proven(times, reversed(range(count)))
    earlier = _proven(times, range(count))
    proven = later if sum(later) <= sum(earlier) else earlier
    out = list(parents)
    stack: list[int] = []  # the open thread, top-level comment first
    depth: dict[int, int] = {}  # a comment on the stack -> its index there
    for i in range(count):
        t = times[i]
        parent = out[i]
        if not placed[i] and proven[i] and i and t is not None:
            above = times[i - 1]
            if above is not None and t >= above:
                parent = i - 1
            elif above is not None:
                while stack and (times[stack[-1]] or 0.0) >= t:
                    depth.pop(stack.pop())
                if stack:
                    elder = stack[-1]
                    parent = out[elder] if out[elder] is not None else elder
            out[i] = parent
        at = depth.get(parent, -1) if parent is not None else -1
        while len(stack) > at + 1:
            depth.pop(stack.pop())
        depth[i] = len(stack)
        stack.append(i)
    return out


def _proven(times: Sequence[float | None], order: Iterable[int]) -> list[bool]:
    """Whether a comment met, in `order`, after an older one: one that cannot be top-level
    when top-level comments run in the opposite order."""
    out = [False] * len(times)
    low = float("inf")
    for i in order:
        t = times[i]
        if t is not None:
            out[i] = low < t
            low = min(low, t)
    return out
