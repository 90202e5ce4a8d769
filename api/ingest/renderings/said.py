"""Shared reader for renderings that head each comment with `NAME says:` / `NAME said...`.

The time sits on the same line (`DATE / NAME says:`, `On DATE, NAME said...`), on the line
after the header (WordPress), or alone after the body (Blogger).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace

from api.ingest.renderings.base import Section
from api.ingest.renderings.generic import find_metas, set_apart
from api.ingest.renderings.scan import lines_holding
from api.ingest.renderings.shapes import (
    Meta,
    blank,
    clean_name,
    from_headers,
    plausible_name,
    short,
    with_depths,
)
from api.ingest.times import DIGIT, find_time

VERBS = ("say", "said", "wrote", "added")  # searched in lowercased lines
ON = re.compile(r"^\W*on\b", re.IGNORECASE)  # "On DATE, NAME said": the word before the date
INLINE_REPLY = re.compile(r"^(?P<name>\S.{0,59}?)\s+reply:$", re.IGNORECASE)
# A name whose letters the crawl lost ("????? says:", a name in a script it could not keep)
MAX_LOST = 40
QUOTE_REACH = 12  # lines below a comment's header within which a quotation's header may stand
LONG_HEADER = 32  # words of a header whose date line below vouches for it

_last: tuple[Sequence[str], list[int]] | None = None


def verb_lines(lines: Sequence[str]) -> list[int]:
    """The lines that may hold one of the verbs, lowercased (a cheap test: most lines hold
    none). Every reader of the rendering asks, so the last page's answer is kept."""
    global _last
    last = _last
    if last is not None and last[0] is lines:
        return last[1]
    found = lines_holding(lines, VERBS, lower=True)
    _last = (lines, found)
    return found


def said_metas(lines: Sequence[str], verb: re.Pattern[str]) -> list[Meta]:
    """Header lines ending in the verb; a time on the line or alone on the next line."""
    metas: list[Meta] = []
    verbs: list[str] = []  # each header's verb ("said", "wrote")
    for i in verb_lines(lines):
        text = lines[i].strip()
        if not text or len(text) > 160:
            continue
        if not short(text, 16) and (not short(text, LONG_HEADER) or not _date_below(lines, i)):
            continue  # a linking post's long title heads a pingback only over its date line
        span = find_time(text)
        if span is not None and _date_below(lines, i):
            span = None  # the time is the line below: this date is the name's ("Notes (9 May)")
        rest = text if span is None else text[: span[0]] + " " + text[span[1] :]
        said = verb.search(rest.rstrip())
        if said is None:
            continue
        name = clean_name(ON.sub("", rest.strip()))
        # The verb vouches for the header: a pingback's "name" is a whole post title.
        if not name:  # clean_name drops words without a letter or digit
            name = verb.sub("", rest.strip()).strip()
        lost = 0 < len(name) <= MAX_LOST and not name.strip("? ")
        if not (
            plausible_name(name)
            or (0 < len(name) <= 160 and name[-1] not in "?!;:")
            or (name[-1:] == "!" and len(name.split()) <= 5)  # "Arthur in the Garden!"
            or lost
        ):
            continue
        posted = None if span is None else text[span[0] : span[1]].strip()
        last = None
        if posted is None:
            found = _date_line(lines, i, 1)
            if found is not None:
                posted, last = found
        if lost and posted is None:
            continue  # "??? says:" is a header only with its time
        metas.append(Meta(i, name, posted, last=last))
        verbs.append(said[0].split(None, 1)[0].rstrip(".…:,").lower())
    metas = _without_quotations(metas, verbs)
    if metas and metas[0].posted_text is None and _date_line(lines, metas[0].line, -1):
        # The time stands above each header ("DATE" / "NAME said,"): it opens the comment.
        moved = []
        for meta in metas:
            found = _date_line(lines, meta.line, -1)
            if found is None:
                moved.append(meta)
            else:
                moved.append(replace(meta, line=found[1], posted_text=found[0], last=meta.line))
        metas = moved
    metas = with_depths(lines, metas)
    if metas and verb.search("says:") is not None:
        metas = _with_inline_replies(lines, metas)
    return metas


def _without_quotations(metas: list[Meta], verbs: list[str]) -> list[Meta]:
    """Without the headers of another verb than most of the page's, and no time of their own:
    "NAME wrote:" over a quotation in a body, where the comments are headed "NAME said..."."""
    if len(metas) < 3:
        return metas
    common = max(set(verbs), key=verbs.count)
    if 3 * verbs.count(common) < 2 * len(verbs):
        return metas
    return [
        meta
        for meta, said in zip(metas, verbs, strict=True)
        if said == common or meta.posted_text is not None
    ]


def _with_inline_replies(lines: Sequence[str], metas: list[Meta]) -> list[Meta]:
    """ "NAME Reply:" headers, each with its date on the next line, among "NAME says:" ones: a
    reply shown inline, answering the comment right above it (a run of them, a chain)."""
    replies: list[Meta] = []
    for i in lines_holding(lines, ("reply:",), lower=True):
        found = INLINE_REPLY.match(lines[i].strip())
        if found is None:
            continue
        name = clean_name(found["name"])
        posted = _date_line(lines, i, 1)
        if posted is not None and plausible_name(name):
            replies.append(Meta(i, name, posted[0], last=posted[1]))
    if not replies:
        return metas
    inline = {m.line for m in replies}
    out: list[Meta] = []
    depth = 0
    for meta in sorted([*metas, *replies], key=lambda m: m.line):
        depth = depth + 1 if meta.line in inline else meta.depth or 0
        out.append(replace(meta, depth=depth))
    return out


def _date_below(lines: Sequence[str], at: int) -> bool:
    return _date_line(lines, at, 1) is not None


def _date_line(lines: Sequence[str], at: int, step: int) -> tuple[str, int] | None:
    """A line that is only a date, next to line `at` (one blank line between allowed)."""
    i = at + step
    if 0 <= i < len(lines) and blank(lines[i]):
        i += step
    if not 0 <= i < len(lines):
        return None
    text = lines[i].strip()
    span = find_time(text)
    if span is None or len(text) - (span[1] - span[0]) > 12:
        return None
    return text[span[0] : span[1]].strip(), i


def split_said(lines: Sequence[str], verb: re.Pattern[str]) -> Section | None:
    metas = said_metas(lines, verb)
    if len(metas) < 1:
        return None
    section = from_headers(lines, metas, times_after=True)
    if (
        len(metas) == 1
        and section is not None
        and section.comments[0].posted_text is None
        and not set_apart(lines, metas[0])
    ):
        return None  # "On Saturday NAME wrote:" amid the article: a quotation, not a comment
    if (
        section is not None
        and (_dated_within(section) or _dated_above(lines, metas, verb))
        and _quoting(metas, find_metas(lines))
    ):
        return None
    return section


def _dated_within(section: Section) -> bool:
    """Whether the bodies hold two lines that may be other headers: a date or time with a
    digit and a few words besides (a cheap test before the page's dated headers are read:
    most bodies hold no digit)."""
    seen = 0
    for comment in section.comments:
        if DIGIT.search(comment.body) is None:
            continue
        for line in comment.body.split("\n"):
            if len(line) > 160 or DIGIT.search(line) is None:
                continue
            span = find_time(line) if len(line.split()) <= 16 else None
            if (
                span is not None
                and DIGIT.search(line, span[0], span[1]) is not None
                and len(line[: span[0]].split()) + len(line[span[1] :].split()) <= 6
            ):
                seen += 1
                if seen == 2:
                    return True
    return False


def _dated_above(lines: Sequence[str], metas: list[Meta], verb: re.Pattern[str]) -> bool:
    """Whether a header stands right under a line holding a date or time and more ("NAME on
    DATE"): the header of the comment it is in, perhaps (a time alone is the last comment's,
    as Blogger shows it)."""
    for meta in metas:
        # the line above the verb's, or the date line above it read as the header's
        at = meta.line if verb.search(lines[meta.line].rstrip()) is None else meta.line - 1
        if at < 0 or blank(above := lines[at]) or not short(above, 16):
            continue
        span = find_time(above)
        if span is not None and span[1] - span[0] < len(above.strip()) - 1:
            return True
    return False


def _quoting(metas: list[Meta], dated: list[Meta]) -> bool:
    """Whether these headers ("NAME wrote:") head quotations in comments headed another way:
    the page's recurring dated headers (`dated`, as the generic reader finds them) outnumber
    them, and most of them lie a few lines below one of those (one in the article above is a
    quotation too)."""
    if len(dated) <= len(metas):
        return False
    starts = [meta.line for meta in dated]
    below = 0
    for meta in metas:
        at = bisect_right(starts, meta.line) - 1  # the dated header at or above it
        if at >= 0:
            above = dated[at]
            below += meta.line <= (above.line if above.last is None else above.last) + QUOTE_REACH
    return 2 * below > len(metas)


def score(lines: Sequence[str], verb: re.Pattern[str]) -> float:
    count = 0
    for i in verb_lines(lines):
        line = lines[i]
        if len(line) >= 160:
            continue
        span = find_time(line)
        rest = line if span is None else line[: span[0]] + line[span[1] :]
        if verb.search(rest.rstrip()) is not None:
            count += 1
            if count >= 3:
                break
    return (0.0, 0.1, 0.5, 0.8)[count]
