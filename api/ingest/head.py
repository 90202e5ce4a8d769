"""The article's own header: title, byline and published date, above the article text. Pure.

The title is the first line near the top that is not a date, a counter, a breadcrumb or a
byline; when a byline or date line follows within a few lines, the title is the line just
before it (site names and taglines come first on many pages). Lines above the title (dates,
crumbs, author boxes) and the header lines themselves are not article text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

from api.ingest import languages
from api.ingest.patterns import alternation
from api.ingest.renderings.shapes import HEADING, clean_name, plausible_name
from api.ingest.times import DIGIT, find_time

HEAD_LINES = 8
# "TRENDING: ...": a one-word label; "CHURUMURI POLL: ..." is part of the headline
KICKER = re.compile(r"^[A-Z]{4,20}:\s+(?=\S)")
# Other languages' words: "Publié par NAME", "Von NAME"
_PUBLISHED = alternation(languages.PUBLISHED)
_BY = alternation(["by", *languages.BY])
BYLINE = re.compile(
    rf"^(?:(?:posted|written|published|submitted|story|words|text|{_PUBLISHED})\s+)?{_BY}:?\s+"
    r"(?P<rest>\S.*)$",
    re.IGNORECASE,
)
# Each run of spaces is tried from its start only (`(?<!\s)`): tried from every space of a
# long run, the patterns would cost the square of the run.
CUT = re.compile(
    r"(?<!\s)\s+(?:on|at|in|·|\||—|–|-|//?)\s+|,\s|(?<!\s)\s*\|\s*|(?<!\s)\s+\("
    r"|(?<!\s)\s+(?:posted|updated|published|filed)\b"
    r"|(?<!\s)\s+(?=(?:\d+|no|one)\s+(?:comments?|responses?|replies)\b)",  # "NAME 1 Comment"
    re.IGNORECASE,
)
NO_ON_CUT = re.compile(
    r",\s|(?<!\s)\s*\|\s*|(?<!\s)\s+\(|(?<!\s)\s+(?:in|·|—|–|-|/)\s+"
    r"|(?<!\s)\s+(?:posted|updated|published|filed)\b",
    re.IGNORECASE,
)
BULLETS = "+*•·>» "  # marks that open a byline line
BARE_BY = re.compile(rf"^(?:(?:posted|written|published|story|{_PUBLISHED})\s+)?{_BY}:?$", re.I)
# "CNN Political Reporter NAME", "Senior Editor: NAME": the name follows the role
ROLE = re.compile(
    r"^.{0,60}?\b(?:reporter|editor|writer|correspondent|columnist|contributor|producer"
    r"|analyst|critic)s?\b:?\s+(?=\S)",
    re.IGNORECASE,
)
# ("door" is an English word: only a line's first)
INNER_BY = re.compile(r"\s(?:by|par|von|por):?\s+(?P<rest>\S.*)$", re.IGNORECASE)
INNER_BY_WORDS = 8  # what "DATE by NAME" shows before "by" is short
LEAD_VERB = re.compile(
    rf"^(?:posted|written|published|modified|updated|filed|{_PUBLISHED})\b", re.I
)
NOT_NAMES = frozenset(
    "in on at from posted published updated modified filed written last by the a".split()
)
PEN_ARTICLES = frozenset(("A", "The"))
DATE_WORD = re.compile(
    r"^(?:\d{1,4}|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*"
    r"|dec\w*|mon\w*|tue\w*|wed\w*|thu\w*|fri\w*|sat\w*|sun\w*|[,./:-]|am|pm)$",
    re.IGNORECASE,
)
WEEKDAY_DATE = re.compile(
    r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+[a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}",
    re.IGNORECASE,
)
DATE_TOKEN = re.compile(r"\w+|[^\w\s]")
DATE_TOKENS = 8  # the most tokens a date line shows ("09 / July / 2012 , 10 : 30 am")
CRUMB = re.compile(r"\s(?:>|»|\u203a|→|/)\s.*\s(?:>|»|\u203a|→|/)\s")
DATED_WORDS = 6  # "June 11, 2012 in Reviews with 37 Comments": a date, then a few words
PERSON = re.compile(r"^[A-Z][^\W\d_]*\.?(?:[ '-][A-Z][^\W\d_]*\.?){1,2}$")
TITLE_COUNTER = re.compile(
    r"(?<!\s)\s+(?:\d+|no|one)\s+(?:comments?|responses?|replies)\s*$", re.IGNORECASE
)
COUNTER = re.compile(
    r"^\W*\d+\s*(?:comments?|responses?|replies|views?|votes?|shares?|likes?)\W*$",
    re.IGNORECASE,
)
# Sharing buttons: "Share this: Facebook Twitter Email", "Tweet", "Print Email"
SHARING = frozenset(
    "share sharing tweet twitter facebook email e-mail mail print pin linkedin reddit digg "
    "pinterest stumbleupon whatsapp google+".split()
)
SHARING_TOO = frozenset("this it post article story on via more save like the and".split())
WORD = re.compile(r"[\w+-]+")

# Where prose names the writer: a guest post's first lines, the article's last ones
PROSE_LINES = 3
PROSE_CHARS = 200
MAX_TITLE_WORDS = 30
CLOSED_ABOVE = 3  # a title and two paragraphs above a byline that closes the article
NAMED = r"(?P<name>[A-Z][^\W\d_]+(?:[ '-][A-Z][^\W\d_]+){1,2})"
GUEST = re.compile(
    r"\bguest (?:post|column|blog|article) (?:(?:written )?by|from) (?:Dr\.? )?" + NAMED + r"\b"
)
SIGNATURE = re.compile(r"^[-–—~]\s?" + NAMED + r"$")
# A standfirst under the title that ends by naming its writer: "…, says NAME."
DECK_SAYS = re.compile(r",\s+says\s+" + NAMED + r"\.$")
QUOTE_MARKS = re.compile('["“”]')
ABOUT = re.compile(
    NAMED + r" is (?:a|an|the)\b[^.]{0,60}?\b(?:writer|author|editor|journalist|blogger|columnist"
    r"|contributor|founder|professor|freelancer?|consultant|reporter|correspondent|designer"
    r"|developer|architect|photographer|lawyer|attorney|researcher|speaker|coach)s?\b"
)


@dataclass(frozen=True, slots=True)
class Head:
    """The header read off the top of a page; `body_at` is the first line of article text."""

    title: str
    title_at: int
    body_at: int
    byline: str | None = None
    published: str | None = None
    body_end: int | None = None  # where article text stops, when a byline closes it


def _date_words(text: str) -> bool:
    """Whether `text` is one to DATE_TOKENS tokens, each a date's word; read token by token,
    up to the first that is not (most lines' first)."""
    count = 0
    for token in DATE_TOKEN.finditer(text):
        count += 1
        if count > DATE_TOKENS or DATE_WORD.match(token[0]) is None:
            return False
    return count > 0


def is_date_line(line: str) -> bool:
    """A line that is only a date or time (in one or several pieces: "09" / "July" / "2012")."""
    text = line.strip()
    # Each word holds a token at least: a line of more words is not looked at token by token
    # (the article's paragraphs among the top lines are long).
    if len(text.split(None, DATE_TOKENS)) <= DATE_TOKENS and _date_words(text):
        return True
    span = find_time(text)
    return span is not None and len(text) - (span[1] - span[0]) <= 4


def _dated(text: str) -> bool:
    """A line that opens with a date and says little after it (a dateline with a section), or
    with a weekday's full date ("Thursday, October 11th, 2012 Company produces…": a dateline
    run into a teaser; no headline opens so)."""
    span = find_time(text)
    if span is None or span[0] != 0:
        return False
    if len(text[span[1] :].split()) <= DATED_WORDS:
        return True
    return WEEKDAY_DATE.match(text, 0, span[1]) is not None


def is_noise(line: str) -> bool:
    """Counters, crumbs and dates: never a title."""
    text = line.strip()
    if len(text) > 200:
        return False
    return (
        is_date_line(text)
        or _dated(text)
        or COUNTER.match(text) is not None
        or HEADING.match(text) is not None
        or CRUMB.search(text) is not None
        or not any(c.isalpha() for c in text)
        or _sharing(text)
    )


def _sharing(text: str) -> bool:
    """A line of sharing buttons, never a title: it opens with one ("Share this: ...",
    "Tweet"), and most lines are turned away by their first word."""
    lowered = text.lower()
    first = WORD.search(lowered)
    if first is None or first[0] not in SHARING:
        return False
    words = WORD.findall(lowered)
    return (
        len(words) <= 12
        and any(w in SHARING for w in words)
        and all(w in SHARING or w in SHARING_TOO for w in words)
    )


def read_byline(line: str) -> tuple[str, str | None] | None:
    """`by NAME [on DATE]`, `Posted by NAME`, `DATE by NAME`, `NAME on DATE`: the name and the
    date text."""
    text = line.strip().lstrip(BULLETS)  # "+ Posted by NAME"
    if len(text) > 160 or len(text.split()) > 20:
        return None
    span = find_time(text)
    when = text[span[0] : span[1]].strip() if span is not None else None
    m = BYLINE.match(text) or INNER_BY.search(text)
    if m is not None and len(text[: m.start()].split()) > INNER_BY_WORDS:
        m = None  # "… panorama of Mars taken by Curiosity today!": a sentence, not a byline
    if m is not None and (m.start() == 0 or span is not None or LEAD_VERB.match(text)):
        rest = m["rest"]
        if span is not None and span[0] > m.start("rest"):
            rest = clean_name(rest[: span[0] - m.start("rest")])
            name = clean_name(NO_ON_CUT.split(rest, maxsplit=1)[0])
        else:
            name = clean_name(CUT.split(rest, maxsplit=1)[0])
        role = ROLE.match(name)
        if role is not None and _is_name(name[role.end() :]):
            name = name[role.end() :]
        words = name.split()
        lower = next((k for k, w in enumerate(words) if not w[:1].isupper()), len(words))
        if lower < len(words) and lower >= 2:  # "Jane Roe Education reporter": the role goes
            name = " ".join(words[: lower - 1] if lower >= 3 else words[:lower])
        if _is_name(name) or (m.start() == 0 and span is not None and _pen_name(name)):
            return name, when
        return None
    if span is not None and span[0] > 0:
        before = text[: span[0]]
        if re.search(r"\s(?:on|at|[|·—–-])\s*$", before):
            name = clean_name(before)
            if _is_name(name) and len(name.split()) <= 4:
                return name, when
    return None


def _is_name(name: str) -> bool:
    return bool(name) and plausible_name(name) and name.split()[0].lower() not in NOT_NAMES


def _pen_name(name: str) -> bool:
    """ "A Photo Editor", "The Archdruid": a name of capitalised words after an article, as a
    dated byline line ("by NAME on DATE") shows a writer's pen name."""
    words = name.split()
    return (
        len(words) >= 2
        and words[0] in PEN_ARTICLES
        and all(w[:1].isupper() for w in words)
        and _is_name(" ".join(words[1:]))
    )


def _closes(lines: Sequence[str], at: int, end: int, candidates: Sequence[int]) -> bool:
    """Whether the byline at `at` closes the article: paragraphs above it (two or more after
    the title), only blank lines between it and the comments."""
    above = sum(1 for c in candidates if c < at)
    return above >= CLOSED_ABOVE and all(not lines[i].strip() for i in range(at + 1, end))


def _prose(line: str) -> bool:
    """A line too long to be a headline: a paragraph of the article or a note above it."""
    return len(line) > PROSE_CHARS or len(line.split()) > MAX_TITLE_WORDS


def _title_case(line: str) -> bool:
    words = [w for w in line.split() if w[:1].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _deck_under(lines: Sequence[str], above: int, at: int) -> bool:
    """Whether line `at` is a deck (a sentence-case subtitle) right under the title-case
    headline at `above`."""
    return at == above + 1 and _title_case(lines[above]) and not _title_case(lines[at])


def _name_over_date(
    lines: Sequence[str], top: Sequence[int], title_at: int, published: str | None, last: int
) -> tuple[str | None, str | None, int]:
    """A person's name alone on a line right under the title, with a date line at most two
    lines below it ("NAME" / "Section" / "DATE"): the byline, its date, the last header line."""
    under = [i for i in top if i > title_at][:3]
    if under and PERSON.match(lines[under[0]].strip()) is not None:
        for j in under[1:]:
            if is_date_line(lines[j]):
                return lines[under[0]].strip(), published or lines[j].strip(), max(last, j)
    return None, published, last


def _byline_in_prose(lines: Sequence[str], start: int, end: int) -> str | None:
    """A writer the article names only in its text: a guest post's opening line ("The
    following is a guest post by NAME, ..."), a standfirst ending "…, says NAME.", or its last
    lines, a signature ("-NAME") or a
    note about the writer ("NAME is a writer ...")."""
    opening = list(islice((i for i in range(start, end) if lines[i].strip()), PROSE_LINES))
    for i in opening:
        guest = GUEST.search(lines[i][:PROSE_CHARS])
        if guest is not None:
            return guest["name"]
    if opening:  # a standfirst "…, says NAME." (no quote marks: not a source quoted)
        deck = lines[opening[0]].strip()
        says = DECK_SAYS.search(deck)
        if says is not None and QUOTE_MARKS.search(deck) is None:
            return says["name"]
    seen = 0
    for i in range(end - 1, start - 1, -1):
        text = lines[i].strip()
        if not text:
            continue
        seen += 1
        if seen > PROSE_LINES:
            break
        closing = SIGNATURE.match(text) or ABOUT.match(text[:PROSE_CHARS])
        if closing is not None:
            return closing["name"]
    return None


def _posted_below(
    lines: Sequence[str], start: int, end: int, published: str | None
) -> tuple[str | None, str | None]:
    """A dated "Posted by NAME on DATE" line under the article with more than blank lines
    after it (trackbacks, links, a share bar): the article's byline and date."""
    for i in range(start, end):
        text = lines[i].lstrip()
        if text[:6].lower() != "posted" or LEAD_VERB.match(text) is None:
            continue
        found = read_byline(text) if BYLINE.match(text) is not None else None
        if found is not None and found[1] is not None:
            return found[0], published or found[1]
    return None, published


def read_head(lines: Sequence[str], end: int) -> Head:
    """Title, byline and date from the first lines of the page (before line `end`)."""
    top = list(islice((i for i in range(min(end, len(lines))) if lines[i].strip()), HEAD_LINES))
    if not top:
        top = list(islice((i for i in range(len(lines)) if lines[i].strip()), 1))
    bare = {top[k + 1] for k in range(len(top) - 1) if BARE_BY.match(lines[top[k]].strip())}
    # Each top line read once as noise and as a byline: the walks below ask again.
    noise = {i: is_noise(lines[i]) for i in top}
    bylines = {i: read_byline(lines[i]) for i in top}
    candidates = [
        i
        for i in top
        if not noise[i]
        and bylines[i] is None
        and not BARE_BY.match(lines[i].strip())
        and i not in bare
    ]
    title_at = candidates[0] if candidates else top[0]
    byline: str | None = None
    published: str | None = None
    last = title_at
    for k, i in enumerate(top):
        found = bylines[i]
        if found is None and k + 1 < len(top) and BARE_BY.match(lines[i].strip()):
            found = read_byline("by " + lines[top[k + 1]].strip())  # "Posted by" / "NAME"
            if found is not None:
                i = top[k + 1]
        if found is not None and byline is None and _closes(lines, i, end, candidates):
            continue  # "body / Posted by NAME at TIME" closing a short article: read below
        if found is not None and byline is None:
            before = [c for c in candidates if c < i]
            if len(before) > 1 and _prose(lines[before[-1]]):
                # "Title / Update: a note of several sentences / Posted by NAME": the title
                before = [c for c in before if not _prose(lines[c])] or before
            if before and i - before[-1] <= 4:
                title_at = before[-1]
                if len(before) > 1 and _deck_under(lines, before[-2], title_at):
                    title_at = before[-2]
            byline, published = found[0], found[1] or published
            last = max(last, i)
        elif is_date_line(lines[i]) and published is None and abs(i - title_at) <= 4:
            published = lines[i].strip()
            last = max(last, i)
    if byline is None:
        byline, published, last = _name_over_date(lines, top, title_at, published, last)
    body_at = last + 1
    for i in top:
        if i > last:
            if not noise[i] or bylines[i] is not None:
                break
            if is_date_line(lines[i]) and published is None:
                published = lines[i].strip()
            body_at = i + 1
    body_end = None
    seen = 0
    for i in range(min(end, len(lines)) - 1, body_at - 1, -1):
        if not lines[i].strip():
            continue
        seen += 1
        if seen > 3:
            break
        text = lines[i].strip()
        closing = BYLINE.match(text) is not None or LEAD_VERB.match(text) is not None
        found = read_byline(lines[i]) if closing else None
        if found is not None:  # "Posted by NAME at DATE", "Posted on DATE by NAME" closing it
            body_end = i
            if byline is None:
                byline, published = found[0], published or found[1]
            break
    if byline is None:
        byline, published = _posted_below(lines, body_at, min(end, len(lines)), published)
    if byline is None:
        byline = _byline_in_prose(lines, body_at, min(end, len(lines)))
    title = KICKER.sub("", lines[title_at].strip())
    counted = TITLE_COUNTER.search(title)
    if counted is not None and counted.start() > 0:
        title = title[: counted.start()]  # "Title? 153 Comments": the counter beside it
    ahead, tab, after = title.rpartition("\t")
    if tab and ahead.strip() and len(after.split()) <= 2 and DIGIT.search(after):
        title = ahead.strip()  # "Title<TAB>22Oct12": the cell after the tab is its date
    dated = find_time(title)
    ahead = "" if dated is None else title[: dated[0]]
    # "Title 29 August, 2011": the date goes; "Letters, 29 June 2012": part of the headline
    if dated is not None and dated[1] >= len(title) - 1 and len(ahead.split()) >= 3:
        title = title if ahead.rstrip().endswith(",") else ahead.rstrip(" -–—|")
    return Head(title, title_at, body_at, byline, published, body_end)


# "12 Comments" (any language's word), "NAME says:" (any language's verb)
COUNTED_HEADING = re.compile(
    rf"^\W*([1-9]\d{{0,4}})\s+(?:comments?|responses?|replies|{alternation(languages.COMMENTS)})\b",
    re.IGNORECASE,
)
SAID_LINE = re.compile(
    rf"\b(?:says|said|wrote|{alternation([*languages.SAYS, *languages.SAID])})"
    r"\s*(?::|\.\.\.|…)\s*$",
    re.IGNORECASE,
)


def looks_like_comments(lines: Sequence[str]) -> bool:
    """A counted comment heading ("12 Comments"), or repeated "NAME says:" lines."""
    hits = 0
    for line in lines:
        text = line.strip()
        if len(text) > 120:
            continue
        if COUNTED_HEADING.match(text):
            return True
        if SAID_LINE.search(text):
            hits += 1
    return hits >= 2
