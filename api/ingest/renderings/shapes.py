"""What comment sections look like on any site: the helpers renderings share. Pure.

A rendering finds its *meta lines* (a header before each body or a footer after it, naming
the author and usually the time); these helpers turn them into a Section: where the section
starts (a heading such as "12 Responses", or the first header; for footers, the visual gap
above the first body), where it ends (a reply form, "Leave a comment", a long blank gap) and
each comment's body, with buttons ("Reply", "Report") left out. Every walk here moves over
the lines once, or over a bounded window: parsing stays linear in the page's size.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from api.ingest import languages
from api.ingest.patterns import alternation
from api.ingest.renderings.base import CommentKind, RawComment, Section
from api.ingest.times import RELATIVE, find_time

HEADING = re.compile(
    r"^\W{0,3}(?:(?:\d{1,5}|no|one|two|three)\s+)?(?:comments?|responses?|replies|reactions"
    r"|thoughts|trackbacks?|pingbacks?|discussion|reader comments|user comments)\b"
    r"|^\W{0,3}(?:\d{1,5}|no|one)\s+(?:comments?|responses?|replies|thoughts)\b"
    r"|^\W{0,3}(?:leave|post|add|write|submit)\s+(?:a|your|new)?\s*(?:comment|reply|response)\b"
    r"|^\W{0,3}comments?\s*(?:\(\d{1,5}\)|:\s*\d{1,5})"
    rf"|^\W{{0,3}}(?:\d{{1,5}}\s+{alternation(languages.COMMENTS)}\b|(?:{languages.LEAVE})\b)",
    re.IGNORECASE,
)
CHROME = re.compile(
    r"^\W{0,3}(?:(?:leave|post|add|write|submit)\s+(?:a|your|new)?\s*(?:comment|reply|response)"
    r"|your email(?: address)? will not be published|you must be (?:logged|signed) in"
    r"|notify me of|subscribe to(?: post)?\s*comments|name\s*\(required\)|email\s*\(required\)"
    r"|newer posts?|older posts?|powered by|copyright|©|comments? (?:are )?closed"
    r"|(?:post|submit) comment|required fields are marked|sign in to comment"
    r"|log in to comment|trackback url|comment rss|rss feed for comments|load more comments"
    r"|older comments|newer comments|view all comments|show more comments"
    r"|you can follow any responses|this entry was posted in"
    r"|(?:related|recent|popular) (?:posts?|articles?|stories)\W*$|you (?:may|might) also like\b"
    rf"|{languages.LEAVE})",
    re.IGNORECASE,
)
UI_WORDS = frozenset(
    "reply replies report like likes quote share flag permalink link edit delete parent vote "
    "up down abuse this comment to log in or register recommend helpful unhelpful hide show thread "
    "↓ ↑ | · • - – [ ] ( ) # + 0 1 2 3 4 5 6 7 8 9 twitter facebook follow post".split()
    + languages.BUTTONS
)
# Words that are part of a button only beside another ("Like this", "Log in", "Reply to"):
# alone, "This" is what a comment says.
UI_JOINERS = frozenset("this to in or".split())
LEAD_WORDS = frozenset(
    "posted written submitted comment commented reply added by on at from".split()
    + languages.PUBLISHED
    + [word for word in languages.BY if word not in languages.CASED_BY]
)
TAIL_WORDS = frozenset(
    "says said wrote writes added replied commented posted on at by | / • · - – — ,".split()
)
# The same words in other languages, as written (lowercase: "Minh Le" and "Dice" are names)
OTHER_LEAD_WORDS = languages.CASED_BY
OTHER_TAIL_WORDS = frozenset(
    (*languages.SAYS, *languages.SAID, *languages.PARTICIPLES, *languages.ON)
)
# "NAME - author", "NAME (Post author)": the site's mark on its own author's comments
ROLE = re.compile(
    r"(?<!\s)\s+(?:[-–—|]\s*(?:post\s+)?author|\((?:post\s+)?author\))$", re.IGNORECASE
)
UI_TOKEN = re.compile(r"\w+|[^\w\s]")
NUMBERING = re.compile(
    r"[+\-\u2212]?#?\d{1,12}[.):]?|\(\d{1,12}\)"
)  # "3.", "#3", "(3)", a score "+1"
NAME_QUOTES = "\"'“”"
TAIL_MARKS = ".:…,|/•·●▪◆■—–-"  # punctuation and bullets between a name and a date
AVATAR = re.compile(r"'s (?:picture|avatar|photo|profile image)\s*$|^\s*avatar\s*$", re.I)
NOT_VERIFIED = " (not verified)"
TRACKBACK = re.compile(r"^\s*(?:pingback|trackback)\b\s*:?\s*(?:(?:by|from)\s+)?", re.IGNORECASE)
# "NAME replied to comment from OTHER", "NAME replying to a comment from OTHER"
REPLIED = re.compile(
    r"^(?P<name>\S.{0,60}?)\s+(?:replied|replying|responded|responding)\s+to\s+"
    r"(?:(?:a|the)\s+)?(?:(?:comment|post)\s+)?(?:(?:from|by)\s+)?(?P<parent>\S.{0,60})$",
    re.IGNORECASE,
)
GAP = 3  # blank lines that separate page regions
WINDOW = 80  # lines a walk looks through before giving up


def blank(line: str) -> bool:
    return not line.strip()


def short(line: str, words: int = 12) -> bool:
    return len(line) <= 160 and len(line.split()) <= words


def is_heading(line: str) -> bool:
    """A comment section's own heading: "12 Comments", "Responses", "Leave a Reply"."""
    text = line.strip()  # the pattern first: it turns most lines away at their first words
    return bool(text) and HEADING.match(text) is not None and short(text)


# The letters CHROME's phrases open with (a character it matches to one, ignoring case,
# casefolds to it): a line opening with another word character is no chrome ("©" is none).
CHROME_FIRST = frozenset("lpawsynecortvhdkg")


def is_chrome(line: str) -> bool:
    """Reply forms, sign-in prompts, pagination and footers around comments."""
    text = line.strip()  # the pattern first: it turns most lines away at their first words
    if not text:
        return False
    first = text[0]
    if (first.isalnum() or first == "_") and first.casefold()[:1] not in CHROME_FIRST:
        return False  # (no mark before it: the phrase opens the line)
    return CHROME.match(text) is not None and short(text, 16)


UI_LONGEST = 48  # the longest line `is_ui` reads: callers skip longer ones without a call


def is_ui(line: str) -> bool:
    """A line of buttons or an avatar's label: "Reply", "Report abuse", "Like (3)", "Reply ↓",
    "NAME's picture"."""
    if len(line) > UI_LONGEST:
        return False
    lowered = line.lower()
    # AVATAR needs an apostrophe or "avatar" (no other character matches its letters).
    if ("'" in line or "avatar" in lowered) and AVATAR.search(line) is not None:
        return True
    first = lowered.split(None, 1)
    if first and first[0].isalnum() and first[0] not in UI_WORDS:
        return False  # a word of letters or digits is one token, and not a button's ("Bob")
    words = UI_TOKEN.findall(lowered)
    return (
        0 < len(words) <= 8
        and all(w in UI_WORDS for w in words)
        and not all(w in UI_JOINERS for w in words)
    )


def is_link(word: str) -> bool:
    lowered = word.lower()
    return lowered.startswith(("http://", "https://", "www.")) and len(word) > 6


def may_hold_link(text: str) -> bool:
    """Whether a word of `text` may be a link (`is_link`): a cheap test for the many texts
    that hold none."""
    lowered = text.lower()
    return "http" in lowered or "www." in lowered


def may_hold_role(text: str) -> bool:
    """Whether ROLE may match in `text`: every match holds "author" (no other character
    matches these letters, ignoring case)."""
    return "author" in text.lower()


def clean_name(text: str) -> str:
    """A name without the words and marks around it ("by", "says:", "|", "#3") or the
    author's web address beside it ("NAME http://site")."""
    words = text.split()
    if not words:
        return ""
    while words and (
        # a word of letters alone is neither a mark nor a number ("by", "Posted", "Ann")
        (words[0].lower() in LEAD_WORDS or words[0] in OTHER_LEAD_WORDS)
        if words[0].isalpha()
        else (
            not _has_alnum(words[0])
            or (_may_number(words[0]) and NUMBERING.fullmatch(words[0]) is not None)
            or words[0].lower().rstrip(":") in LEAD_WORDS
        )
    ):
        words.pop(0)
    while words:
        word = words[-1]
        if word.isalpha():  # no mark to take off, nor cut short: a tail word or the name's end
            if word.lower() in TAIL_WORDS or word in OTHER_TAIL_WORDS:
                _pop_tail(words)
                continue
            break
        core = word.rstrip(TAIL_MARKS)
        if not core or core.lower() in TAIL_WORDS or core in OTHER_TAIL_WORDS:
            _pop_tail(words)
            continue
        if not _has_alnum(word):
            words.pop()
            continue
        if word.endswith(("...", "…")) and len(core) > 2 and core[-1].isalnum():
            break  # "TheCloser...": a long name cut short shows its dots
        if core != word and (len(core) > 1 or not core.isupper()):
            # "Ph.D.", "S.W.": an abbreviation keeps its last dot
            # "js.", "josh g.", "Jr.": a short last word keeps the one dot it ends with (a
            # longer one ending so reads as a sentence's end, see plausible_name)
            dotted = word[len(core)] == "." and (
                "." in core or (word == core + "." and len(core) <= 2)
            )
            words[-1] = core + "." if dotted else core
        break
    if len(words) > 1 and may_hold_link(text) and any(is_link(w) for w in words):
        words = [w for w in words if not is_link(w)] or words  # an address alone stays
    name = " ".join(words)
    if _unbalanced(name) or _quoted(name):
        # a stray mark at an end, not a nickname's ('Ann "The Great"'); or the whole name
        # in quote marks ('"Ann Lee" says:')
        name = name.strip(NAME_QUOTES)
    if name[:1] == "(" and name.count("(") > name.count(")"):
        name = name[1:].lstrip()  # "(NAME, DATE)" after a comment: the bracket's opening
    role = ROLE.search(name) if may_hold_role(name) else None
    return name[: role.start()] if role is not None and role.start() > 0 else name


def _pop_tail(words: list[str]) -> None:
    """The last word off, and the auxiliary before it when it is a participle ("a écrit")."""
    participle = words.pop().rstrip(TAIL_MARKS) in languages.PARTICIPLES
    if participle and words and words[-1] in languages.AUXILIARIES:
        words.pop()


def _has_alnum(word: str) -> bool:
    return word.isalnum() or any(c.isalnum() for c in word)


def _may_number(word: str) -> bool:
    """Whether NUMBERING may match the word: it opens with a sign, "#" or a digit."""
    return word[0].isdigit() or word[0] in "+-\u2212#("


def _unbalanced(name: str) -> bool:
    """Whether a name opens or ends with a quote mark that no other mark in it pairs with."""
    if not name or (name[0] not in NAME_QUOTES and name[-1] not in NAME_QUOTES):
        return False
    return (
        name.count('"') % 2 == 1 or name.count("“") != name.count("”") or "'" in (name[0], name[-1])
    )


def _quoted(name: str) -> bool:
    """Whether the whole name is in double quote marks, none inside: '"Ann Lee"'. One
    letter keeps its marks ('"H"'): alone it would read as an initial, not a name."""
    return (
        len(name) > 3
        and name[0] in '"“'
        and name[-1] in '"”'
        and not any(mark in name[1:-1] for mark in '"“”')
    )


def split_reply(name: str) -> tuple[str, str | None]:
    """A header's name that says whom it answers ("NAME replied to comment from OTHER"):
    the author and the parent's name; else the name and None."""
    if " to " not in name.lower():  # cheap test first: most names say nothing of the kind
        return name, None
    m = REPLIED.match(name)
    if m is None:
        return name, None
    return m["name"], clean_name(m["parent"])


def plausible_name(text: str) -> bool:
    """Short, with a letter, not a sentence; a pingback's or trackback's (the linking post's
    title) may be long."""
    # TRACKBACK opens with "pingback" or "trackback" (no other character matches a "p" or a
    # "t", ignoring case)
    trackback = TRACKBACK.match(text) if text.lstrip()[:1] in ("p", "P", "t", "T") else None
    if trackback is not None:
        return len(text) <= 160 and any(c.isalpha() for c in text[trackback.end() :])
    if not text or len(text) > 60:
        return False
    words = text.split()
    if len(words) > 7 and (text[-1] != ")" or len(text[: text.rfind("(")].split()) > 4):
        return False  # "Karen Doe (in warm and rainy Towson, Md)": a place after a name
    if not any(c.isalpha() for c in text):
        return False
    last = words[-1]
    return text[-1] not in "?!;:" and not (
        text[-1] == "." and len(last) > 3 and "." not in last[:-1]  # "Ph.D." ends a name
    )


# What parts a post's title from its blog's name ("Post « Blog", "Post — Site.com"), or a
# name from its site's ("Mindy @ New Equus - A New Creation")
TITLE_PARTS = ("«", "»", " — ", " – ", " - ", " | ")


def loose_name(text: str) -> bool:
    """Short, with a letter or digit: a name where the line's shape, not its words, says it is
    one ("4-6-3" in "by 4-6-3 on DATE"); a linking post's title or a name with its site's
    ("Post title « Blog name") may be longer."""
    if any(part in text for part in TITLE_PARTS):
        return 0 < len(text) <= 160 and any(c.isalpha() for c in text)
    return 0 < len(text) <= 60 and len(text.split()) <= 7 and _has_alnum(text)


def drop_name_label(author: str, body: str) -> str:
    """A body that opens with its author's name alone on a line (an avatar label): without it."""
    head, _, rest = body.partition("\n")
    if head.strip() == author and rest.strip():
        return rest.strip()
    return body


def verified(author: str) -> tuple[str, bool]:
    """The name without a trailing "(not verified)", and whether it was absent."""
    if author.endswith(NOT_VERIFIED):
        return author[: -len(NOT_VERIFIED)].rstrip(), False
    return author, True


def kind_of(author: str, body: str) -> tuple[str, CommentKind]:
    """Pingbacks and trackbacks: the name says so, or the body is a quoted excerpt."""
    # TRACKBACK matches only a name whose lowercase holds "back" (a cheap test first)
    stripped = TRACKBACK.sub("", author) if "back" in author.lower() else author
    if stripped != author:
        return stripped or author, "trackback"
    text = body.strip()
    if text.startswith(("[…]", "[...]")):  # an excerpt of the linking post
        return author, "trackback"
    return author, "comment"


def body_text(lines: Sequence[str], start: int, end: int, *, buttons: bool = True) -> str:
    """Lines start..end as a body: trimmed, paragraphs joined by one blank line, and lines of
    buttons left out (unless `buttons` is False)."""
    paragraphs: list[str] = []
    current: list[str] = []
    score = ""  # a line of buttons without a letter ("+1"), the body when nothing else is
    for line in lines[start:end]:
        text = line.strip()
        if text and not (buttons and len(text) <= UI_LONGEST and is_ui(text)):
            current.append(text)
        elif not text and current:
            paragraphs.append("\n".join(current))
            current = []
        elif text and not score and not any(c.isalpha() for c in text):
            score = text
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs) if paragraphs else score


def heading_above(lines: Sequence[str], at: int) -> int:
    """The section's start for a header at `at`: a heading just above it, else `at`."""
    start = at
    for i in range(at - 1, max(-1, at - 12), -1):
        line = lines[i]
        if blank(line) or is_ui(line):
            continue
        if is_heading(line) or is_chrome(line):
            start = i
            continue
        break
    return start


def gap_above(lines: Sequence[str], at: int, floor: int, *, opened: bool = False) -> int:
    """The first body line above a footer at `at`: after a heading or a gap of GAP blank
    lines (or at `floor`). With `opened`, a dated line right above the footer is the body's
    own last line, not the article's footer."""
    first = at
    run = 0
    for i in range(at - 1, max(floor - 1, at - WINDOW - 1), -1):
        line = lines[i]
        if blank(line):
            run += 1
            if run >= GAP and first < at:
                return first
            continue
        if is_heading(line) or is_chrome(line):
            return i if first == at else first
        span = find_time(line) if short(line) and (first < at or not opened) else None
        if span is not None and any(c.isdigit() for c in line[span[0] : span[1]]):
            return first  # the article's own dated footer
        run = 0
        first = i
    return first if at - first < WINDOW else at


def end_below(lines: Sequence[str], start: int, stop: int) -> int:
    """Where the last comment's body ends: a reply form or footer, or a long blank gap."""
    seen = False
    run = 0
    for i in range(start, min(stop, start + WINDOW * 4)):
        line = lines[i]
        if blank(line):
            run += 1
            if seen and run > GAP:
                return i - run + 1
            continue
        run = 0
        if is_ui(line):
            continue
        if is_chrome(line) or (seen and is_heading(line)):
            return i
        seen = True
    return min(stop, start + WINDOW * 4)


def trim_chrome(lines: Sequence[str], start: int, end: int) -> int:
    """The end of a body that may run into chrome: the first chrome line, else `end`."""
    for i in range(start, end):
        if is_chrome(lines[i]):
            return i
    return end


# Not frozen, as a speed-up: a frozen dataclass's __init__ sets each field through
# object.__setattr__ (ten times slower), and parsing builds thousands of these a page.
# Nothing changes one once built; unsafe_hash keeps them hashable, as frozen ones are.
@dataclass(slots=True, unsafe_hash=True)
class Meta:
    """A meta line found by a rendering: the comment's author and time as shown."""

    line: int
    author: str
    posted_text: str | None = None
    depth: int | None = None
    subject: str | None = None
    last: int | None = None  # last line the meta occupies (two-line headers)
    reply_to: str | None = None  # the parent's name, when the meta line names it


# Built directly rather than through dataclasses.replace, which reads every field by name and
# checks it on each call (several times slower; thousands of metas are re-ranked a round).
def at_depth(meta: Meta, depth: int) -> Meta:
    """`meta` at nesting `depth`."""
    m = meta
    return Meta(m.line, m.author, m.posted_text, depth, m.subject, m.last, m.reply_to)


def by_author(meta: Meta, author: str) -> Meta:
    """`meta` naming `author`."""
    m = meta
    return Meta(m.line, author, m.posted_text, m.depth, m.subject, m.last, m.reply_to)


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def with_depths(lines: Sequence[str], metas: list[Meta]) -> list[Meta]:
    """Nesting from indentation: the rank of each meta line's indent among all of them."""
    shown = [indent(lines[m.line]) for m in metas]
    widths = sorted(set(shown))
    if len(widths) < 2:
        return metas
    lone_first = shown.count(widths[0]) == 1 and shown[0] == widths[0]
    if (
        lone_first
        and _body_indent(lines, metas[0]) == widths[1]
        and _peers_flush(lines, metas, shown, widths[1])
    ):
        # The section's first header alone lost the indent its body and the other top-level
        # headers keep: it is at their level, not above them (unless the headers at that
        # indent set their own bodies further in, as the first one does: replies to it).
        shown[0] = widths[1]
        widths = widths[1:]
    rank: dict[int, int] = {}
    level, base = 0, widths[0]
    for w in widths:  # one space past a level's indent is a stray space, not a deeper level
        if w - base > 1:
            level, base = level + 1, w
        rank[w] = level
    if level == 0:
        return metas
    return [at_depth(m, rank[w]) for m, w in zip(metas, shown, strict=True)]


def _peers_flush(lines: Sequence[str], metas: list[Meta], shown: list[int], width: int) -> bool:
    """Whether some header at indent `width` has its body at that indent too."""
    return any(
        w == width and (_body_indent(lines, m) or 0) <= width
        for m, w in zip(metas, shown, strict=True)
    )


def _body_indent(lines: Sequence[str], meta: Meta) -> int | None:
    """The indent of the first body line under `meta` (None when none follows closely)."""
    start = (meta.last if meta.last is not None else meta.line) + 1
    for i in range(start, min(len(lines), start + 4)):
        if not blank(lines[i]):
            return indent(lines[i])
    return None


def time_after(lines: Sequence[str], start: int, end: int) -> tuple[str | None, int]:
    """A date alone on the body's last line (times shown after the body), or beside buttons:
    its text and the body's new end."""
    for i in range(end - 1, start - 1, -1):
        line = lines[i].strip()
        if not line or is_ui(line):
            continue
        span = find_time(line)
        if span is None:
            return None, end
        alone = short(line, 12)
        if alone and len(line) - (span[1] - span[0]) <= 12:
            return line, i
        rest = RELATIVE.sub("", line[: span[0]] + line[span[1] :]).strip(" -|,·•()")
        if (alone and len(rest) <= 12) or is_ui(rest):
            # "Posted on DATE - 3 hours ago", "Reply · Like · 3 · DATE": the date it shows
            return line[span[0] : span[1]], i
        return None, end
    return None, end


def from_headers(
    lines: Sequence[str], metas: list[Meta], *, times_after: bool = False
) -> Section | None:
    """Comments whose meta line comes before the body."""
    if not metas:
        return None
    start = heading_above(lines, metas[0].line)
    comments: list[RawComment] = []
    end = len(lines)
    for index, meta in enumerate(metas):
        first = (meta.last if meta.last is not None else meta.line) + 1
        if index + 1 < len(metas):
            stop = trim_chrome(lines, first, metas[index + 1].line)
        else:
            stop = end = end_below(lines, first, len(lines))
        posted = meta.posted_text
        if times_after and posted is None:
            posted, stop = time_after(lines, first, stop)
        body = drop_name_label(meta.author, body_text(lines, first, stop))
        comments.append(_comment(meta, body, posted, meta.subject))
    return Section(start, end, link_named(comments), [m.line for m in metas])


def _comment(meta: Meta, body: str, posted: str | None, subject: str | None) -> RawComment:
    """One comment from its meta line and body: trackbacks told apart, `(not verified)` read."""
    author, kind = kind_of(meta.author, body)
    author, flag = verified(author)
    return RawComment(
        author=author,
        author_verified=flag,
        body=body,
        line=meta.line,
        posted_text=posted,
        kind=kind,
        depth=meta.depth,
        subject=subject,
        reply_to=meta.reply_to,
    )


def link_named(comments: list[RawComment]) -> list[RawComment]:
    """Comments whose header names the parent: linked to the nearest comment above by that
    name (a flat list shows a reply far from its parent, in time order)."""
    if all(c.reply_to is None for c in comments):
        return comments
    latest: dict[str, int] = {}
    out: list[RawComment] = []
    for position, comment in enumerate(comments):
        if comment.reply_to is not None:
            parent = latest.get(comment.reply_to.casefold())
            if parent is not None:
                comment = replace(comment, reply_to_index=parent)
        latest[comment.author.casefold()] = position
        out.append(comment)
    return out


def from_footers(lines: Sequence[str], metas: list[Meta], floor: int = 0) -> Section | None:
    """Comments whose meta line comes after the body."""
    if not metas:
        return None
    first = gap_above(lines, metas[0].line, floor)
    if first == metas[0].line:  # the first comment's last line holds a time ("Update 10:45")
        first = gap_above(lines, first, floor, opened=True)
    start = heading_above(lines, first)  # the section's heading ("12 Comments") is its own
    comments: list[RawComment] = []
    for meta in metas:
        while first < meta.line and (blank(lines[first]) or is_heading(lines[first])):
            first += 1
        body = drop_name_label(meta.author, body_text(lines, first, meta.line))
        comments.append(_comment(meta, body, meta.posted_text, None))
        first = (meta.last if meta.last is not None else meta.line) + 1
    end = first
    while end < len(lines) and (blank(lines[end]) or is_ui(lines[end])):
        end += 1
    return Section(start, min(end, len(lines)), link_named(comments), [m.line for m in metas])


def _text(line: str) -> bool:
    """Neither blank nor a line of buttons (`is_ui` reads no line longer than UI_LONGEST)."""
    return bool(line.strip()) and (len(line) > UI_LONGEST or not is_ui(line))


def _text_below(lines: Sequence[str], start: int) -> bool:
    """Whether a body follows from `start` (before a reply form, footer or long gap)."""
    return any(map(_text, lines[start : end_below(lines, start, len(lines))]))


def _typical_body(lines: Sequence[str], metas: list[Meta]) -> int:
    """The median number of text lines between one meta line and the next (4 for a lone one)."""
    between = sorted(sum(map(_text, lines[a.line + 1 : b.line])) for a, b in pairwise(metas))
    return between[len(between) // 2] if between else 4


def placement(lines: Sequence[str], metas: list[Meta], floor: int = 0) -> str:
    """ "header" or "footer": is there a body after the last meta line, or before the first?"""
    if not metas:
        return "header"
    # Each count is taken only once the answer needs it: most pages are settled before the
    # counts between meta lines are.
    first_body = gap_above(lines, metas[0].line, floor)
    before = sum(map(_text, lines[first_body : metas[0].line]))
    last = metas[-1].last if metas[-1].last is not None else metas[-1].line
    if not before:
        # A dated line right above the first meta line: the article's own footer, or the
        # last line of a first body that nothing follows the last meta line of.
        if gap_above(lines, metas[0].line, floor, opened=True) == metas[0].line:
            return "header"
        return "footer" if not _text_below(lines, last + 1) else "header"
    after = _text_below(lines, last + 1)
    above = 0
    while above < metas[0].line and blank(lines[metas[0].line - above - 1]):
        above += 1
    if above >= GAP or (above >= 2 and after):  # the section opens with its first header
        return "header"
    typical = _typical_body(lines, metas)
    if not after and before <= max(8, 3 * typical):
        return "footer"
    if after and before > max(8, 3 * typical):
        return "header"
    gap = 0
    while gap < first_body and blank(lines[first_body - gap - 1]):
        gap += 1
    # One short line between the gap and the first meta line is its subject; a longer one
    # (with a blank line or not before the meta line) is a body the meta line closes.
    subject = before == 1 and after and short(lines[first_body], 8)
    if gap >= GAP and not subject:  # a block of text opens the section, the first meta closes it
        return "footer"
    # Both or neither: which side of the meta line hugs the text?
    above = sum(1 for m in metas if m.line > 0 and not blank(lines[m.line - 1]))
    below_at = [(m.last if m.last is not None else m.line) + 1 for m in metas]
    below = sum(1 for i in below_at if i < len(lines) and not blank(lines[i]))
    return "footer" if above > below else "header"
