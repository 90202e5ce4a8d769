"""Any rendering not known by name: the shape that repeats at comment boundaries.

A meta line is a short line holding a date or time and a name ("NAME DATE", "by NAME on
DATE", "DATE / NAME says:", "NAME • 3 years ago"), or a date alone next to a name alone. The
commonest *template* (the line with its name and date taken out) among the lines after the
article's header is the page's comment meta line when it recurs; whether it opens or closes
each comment is read from the layout (see `shapes.placement`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import islice

from api.ingest.renderings.base import RawComment, Section
from api.ingest.renderings.profiles import block_above, is_counter, is_labelled_count, name_profiles
from api.ingest.renderings.scan import digit_lines, lines_holding
from api.ingest.renderings.shapes import (
    GAP,
    ROLE,
    TITLE_PARTS,
    TRACKBACK,
    UI_WORDS,
    Meta,
    at_depth,
    blank,
    body_text,
    by_author,
    clean_name,
    end_below,
    from_footers,
    from_headers,
    gap_above,
    is_chrome,
    is_heading,
    is_link,
    is_ui,
    loose_name,
    may_hold_link,
    may_hold_role,
    placement,
    plausible_name,
    split_reply,
    time_after,
    with_depths,
)
from api.ingest.times import MONTH, find_time

NAME = "generic"
CEILING = 0.3  # the most `detect` answers
HEAD_LINES = 6  # non-blank lines at the top that are the article's own header
DIGITS = re.compile(r"\d+")
CLOCK = re.compile(r"\d:\d\d")
NAME_PART = re.compile(r"\s[·•]\s")  # a separator between a name and its badges
# "Re: The thread": a reply's subject, which a forum shows between the poster and the time
SUBJECT = re.compile(r"re:\s", re.IGNORECASE)
LEADING_NUMBER = re.compile(r"^\s*(?:[+\-\u2212]?#?\d{1,5}[.):]?\s+){1,3}")
LEADS = ("+", "-", "\u2212", "#")  # with a digit, what a number LEADING_NUMBER takes opens with
WORDS = re.compile(r"[^\W\d_]+")
LONG_ASCII_WORD = re.compile(r"[A-Za-z]{8,}")
# A name with a count after it: "Anonymous 166 points", "kd 1 point"
SCORED = re.compile(r"^(?P<name>.*?\S)\s+[+\-\u2212]?[\d,]{1,7}\s+(?P<unit>[^\W\d_]{2,12})$")
SEPARATORS = "•·—–|/"
# A month and its year alone ("November 2012"): an archive's link, never a comment's time
MONTH_YEAR = re.compile(rf"{MONTH}\.?,?\s{{1,3}}\d{{4}}", re.IGNORECASE)
# What shows a day, not only a time of day: a year, a numeric date, a word ("March", "ago")
DAY_SHOWN = re.compile(r"\d{4}|\d[/.-]\d|[^\W\d_]{3,}")


def skip_head(lines: Sequence[str]) -> int:
    """Index after the first few non-blank lines (title, byline, date): HEAD_LINES, fewer on
    a short page."""
    seen = 0
    run = 0
    for i, line in enumerate(lines):
        if blank(line):
            run += 1
            if run >= GAP and seen >= 2:
                return i  # a wide gap after the title: the header is above it
            continue
        run = 0
        seen += 1
        text = line.strip()
        if seen > 1 and (len(text) > 80 or text[-1] in ".!?"):
            return i  # the article's first paragraph: the header is above it
        if seen == HEAD_LINES:
            return i + 1
    return len(lines)


def _template(text: str, name: str) -> str:
    # A web address comes and goes, and so does a badge beside some names ("NAME ☆").
    shape = " ".join(text.split())
    if name:  # "Kash. - DATE": the mark a name ends with is part of the name, as shown
        if may_hold_role(shape):  # "NAME - author": a role, not part of the template
            shape = ROLE.sub("", shape)
        shown = name + "." if name + "." in shape else name
        if shown != name and name + "..." in shape:  # "TheCloser... on DATE": a name cut short
            shown = name + "..."
        shape = shape.replace(shown, "N", 1)
    if not shape.isascii() or may_hold_link(shape):  # (a badge is never ASCII)
        shape = " ".join(w for w in shape.split() if not is_link(w) and not _badge(w))
    lead = shape.lstrip()[:1]
    if lead in LEADS or lead.isdecimal():  # what LEADING_NUMBER takes opens so
        shape = LEADING_NUMBER.sub("", shape)
    return DIGITS.sub("0", word_shapes(shape))


def word_shapes(text: str) -> str:
    """Every word (a run of letters) of `text` lowercased, or "w" when longer than 7 letters.
    ASCII text is done without a call per word: its long runs replaced, then the rest
    lowercased (lowercasing ASCII changes letters only)."""
    if text.isascii():
        return LONG_ASCII_WORD.sub("w", text).lower()
    return WORDS.sub(lambda m: m[0].lower() if len(m[0]) <= 7 else "w", text)


def _badge(word: str) -> bool:
    """A word of symbols outside ASCII, none a separator: "☆", "●"."""
    return not word.isascii() and not any(c.isalnum() or c in SEPARATORS for c in word)


def _neighbour(lines: Sequence[str], at: int, step: int) -> int | None:
    i = at + step
    if 0 <= i < len(lines) and blank(lines[i]):
        i += step
    return i if 0 <= i < len(lines) and not blank(lines[i]) else None


def _name_part(line: str) -> str:
    """A name line's name, before any badges set off by a separator ("Ann Lee · Top
    Commenter · Works at Acme")."""
    return NAME_PART.split(line, 1)[0] if "·" in line or "•" in line else line


def _below(lines: Sequence[str], at: int) -> int | None:
    """The next line below `at` that is not blank nor buttons ("Reply Like" under a date)."""
    below = _neighbour(lines, at, 1)
    while below is not None and is_ui(lines[below]):
        below = _neighbour(lines, below, 1)
    return below


def _time_only(line: str) -> bool:
    text = line.strip()
    span = find_time(text)
    return (
        span is not None and span[1] - span[0] >= len(text) - 1 and CLOCK.search(text) is not None
    )


def _clock(when: str) -> str:
    """Part of a template: whether its time shows the time of day (a page's comments show
    it alike; dates in the article's text seldom do)."""
    return "T" if CLOCK.search(when) else ""


def read_meta(
    lines: Sequence[str], at: int, *, flip: bool = False, loose: bool = False
) -> tuple[str, Meta] | None:
    """The template and meta of a line holding a name and a time, or of a date line with a
    name line beside it (`flip`: the name on the other side first). `loose`: a name on the
    line itself may look like a phrase ("problem, what problem?", "Kash."), for a line that
    must then fit the page's recurring template."""
    line = lines[at].strip()
    if not line or len(line) > 160:
        return None
    words = len(line.split())
    if (
        words > 17
        and TRACKBACK.match(line) is None
        and not (loose and any(part in line for part in TITLE_PARTS))
    ):
        return None  # a sentence; a line fitting the template may hold a post's long title
    span = find_time(line)
    if span is None:
        return None
    before, when, after = line[: span[0]], line[span[0] : span[1]], line[span[1] :]
    if when[-4:].isdigit() and when[:1].isalpha() and MONTH_YEAR.fullmatch(when) is not None:
        return None
    if words > 6 and not any(map(str.isdigit, when)):
        return None  # "today" in a sentence
    if (
        not loose
        and before.count("(") > before.count(")")
        and len(before.replace("(", " ").split()) > 3
    ):
        return None  # "A Title (Source, DATE)": a citation, unless it fits the page's template
    name = clean_name(before)
    if name and is_ui(name) and any(c.isalpha() for c in name):
        name = ""  # "Reply · Like · DATE": buttons (not a name of digits, "4-6-3")
    where = "before"
    if not name:
        name, where = clean_name(after), "after"
    elif len(after) > 6 and len(after.split()) > 3:  # (a name's words are some of its text's)
        tail = clean_name(after)
        if sum(w.lower() not in UI_WORDS for w in tail.split()) > 3:
            return None  # a sentence goes on after the date; buttons ("up", "Reply") may follow
    if name:
        author, parent = split_reply(name)
        if not (loose_name(author) if loose else plausible_name(author)):
            return None
        key = _template(before, name if where == "before" else "") + "D"
        if where == "after":  # what follows the date varies ("via mobile", "Reply")
            key += _template(after, name)[:12]
        return key + _clock(when), Meta(at, author, when.strip(), reply_to=parent)
    if loose:
        return None
    # A date alone: the name is on the line above (or below); a time alone may follow it.
    clock = at + 1 < len(lines) and _time_only(lines[at + 1])
    if clock and not CLOCK.search(when):
        when = f"{when.strip()} {lines[at + 1].strip()}"
    steps = ((-1, "N/D"), (1, "D/N"))
    hugs_below = at + 1 < len(lines) and not blank(lines[at + 1])
    if hugs_below and not clock and (at == 0 or blank(lines[at - 1])):
        steps = steps[::-1]  # the name hugs the date from below: read it first
    if flip:
        steps = steps[::-1]
    above = _neighbour(lines, at, -1)
    if above is not None and SUBJECT.match(lines[above].lstrip()) is not None:
        above = _neighbour(lines, above, -1)  # the poster is above the reply's subject
    if not flip and above is not None and is_counter(lines[above]):
        # "NAME / tagline / 152 Fans / DATE"
        top = block_above(lines, above)
        if top < above:
            shape = "P/D" + _clock(when) + _template(lines[above].strip(), "")
            return shape, Meta(top, clean_name(lines[top]), when.strip(), last=at + int(clock))
    for step, key in steps:
        if step > 0 and clock:
            break
        other = above if step < 0 else _below(lines, at)
        if other is None:
            continue
        candidate = clean_name(_name_part(lines[other]))
        if (
            plausible_name(candidate)
            and find_time(lines[other]) is None
            and not is_labelled_count(lines[other])  # "Posts: 334": about the author
            and not is_chrome(lines[other])  # "Related Posts" after the last comment
        ):
            first, last = (other, at + int(clock)) if step < 0 else (at, other)
            return key + _clock(when) + _template(lines[other].strip(), candidate), Meta(
                first, candidate, when.strip(), last=last
            )
    return None


_last: tuple[Sequence[str], list[Meta]] | None = None


def find_metas(lines: Sequence[str]) -> list[Meta]:
    """The meta lines of the page's commonest recurring template (the last page's answer is
    kept, since `detect` and `split` both ask)."""
    global _last
    if _last is not None and _last[0] is lines:
        return _last[1]
    metas = _find_metas(lines)
    _last = (lines, metas)
    return metas


def time_lines(lines: Sequence[str]) -> list[int]:
    """The lines `find_time` may find a time on: those with a digit, "yesterday" or "today"."""
    days = lines_holding(lines, ("yesterday", "today"), lower=True)
    digits = digit_lines(lines)  # in order: most pages show no day by its name
    return sorted({*digits, *days}) if days else digits


def _find_metas(lines: Sequence[str]) -> list[Meta]:
    found: list[tuple[str, Meta]] = []
    dated: list[int] = []  # the line each meta's time is on
    unread: list[int] = []  # time lines no meta was read from
    taken = -1
    head = skip_head(lines)
    for i in time_lines(lines):  # a meta line holds a time: the others are not read
        if i < head or i <= taken:
            continue
        hit = read_meta(lines, i)
        if hit is not None:
            found.append(hit)
            dated.append(i)
            taken = hit[1].last if hit[1].last is not None else i
        else:
            unread.append(i)
    if not found:
        return []
    # The commonest template; among equals, the one whose lines show a time of day.
    counts: dict[str, list[int]] = {}
    names: dict[str, set[str]] = {}
    for key, meta in found:
        tally = counts.setdefault(key, [0, 0])
        tally[0] += 1
        tally[1] += int(meta.posted_text is not None and CLOCK.search(meta.posted_text) is not None)
        names.setdefault(key, set()).add(meta.author.casefold())

    def rank(key: str) -> tuple[int, int]:
        return counts[key][0] + counts[key][1], counts[key][1]

    best = max(counts, key=rank)
    if counts[best][0] >= 3 and len(names[best]) == 1:
        # One name on every line of a recurring template reads a label ("Joined: Mar 2009"
        # in each profile), not its authors: a template recurring with several is the page's.
        named = [k for k in counts if counts[k][0] >= 2 and len(names[k]) > 1]
        best = max(named, key=rank, default=best)
    if counts[best][0] < 2 and not counts[best][1]:
        # No template recurs and none shows a time of day: the page's last meta line is a
        # lone comment's only when a wide gap sets its comment apart at the page's end.
        lone = found[-1][1]
        return with_depths(lines, [lone]) if set_apart(lines, lone) else []
    metas = _of_template(lines, found, dated, best)
    if counts[best][0] >= 3 and unread:
        # The template recurs: a line fitting it is a meta line whatever its name looks like.
        loose = (read_meta(lines, i, loose=True) for i in unread)
        extra = [hit[1] for hit in loose if hit is not None and hit[0] == best]
        metas = sorted(metas + extra, key=lambda m: m.line) if extra else metas
    metas = without_scores(without_places(name_profiles(lines, metas)))
    return numbered(lines, with_depths(lines, metas))


def without_scores(metas: list[Meta]) -> list[Meta]:
    """Names followed by a count in one unit on every header of the page ("NAME 166 points",
    "NAME 1 point"): without it. One header alone proves nothing ("Route 66 Diner")."""
    if len(metas) < 3:
        return metas
    names: list[str] = []
    units: set[str] = set()
    for meta in metas:
        scored = SCORED.match(meta.author) if meta.author[-1:].isalpha() else None
        if scored is None:
            return metas
        names.append(scored["name"])
        units.add(scored["unit"].casefold().rstrip("s"))
    if len(units) != 1:
        return metas
    return [by_author(m, name) for m, name in zip(metas, names, strict=True)]


def numbered(lines: Sequence[str], metas: list[Meta]) -> list[Meta]:
    """In a numbered list of comments ("12. NAME - DATE"), an unnumbered meta line at the same
    indent is a reply to the numbered comment above it."""
    marks = [LEADING_NUMBER.match(lines[m.line]) is not None for m in metas]
    if (
        len(metas) < 3
        or not marks[0]
        or sum(marks) < max(3, len(metas) // 2)
        or all(marks)
        or any(m.depth for m in metas)
    ):
        return metas
    return [at_depth(m, 0 if mark else 1) for m, mark in zip(metas, marks, strict=True)]


def _place_of(name: str) -> tuple[str, str] | None:
    """A name's front and the run of capitals after it ("Dan UNITED KINGDOM"), or None."""
    words = name.split()
    cut = len(words)
    while cut > 0 and len(words[cut - 1]) >= 3 and words[cut - 1].isalpha():
        if not words[cut - 1].isupper():
            break
        cut -= 1
    if cut == len(words) or cut == 0:
        return None
    return " ".join(words[:cut]), " ".join(words[cut:])


def without_places(metas: list[Meta]) -> list[Meta]:
    """Names followed by where the person is, in capitals ("Dan UNITED KINGDOM", "Robert
    NETHERLANDS"): without it. The page shows places when the runs vary and one of them follows
    two people's names; a name in capitals loses only a run seen after another name."""
    split = [_place_of(m.author) for m in metas]
    fronts: dict[str, set[str]] = {}
    for found in split:
        if found is not None and not found[0].isupper():
            fronts.setdefault(found[1], set()).add(found[0].casefold())
    if len(fronts) < 2 or not any(len(names) >= 2 for names in fronts.values()):
        return metas
    out: list[Meta] = []
    for meta, found in zip(metas, split, strict=True):
        if found is not None and not found[0].isupper():
            meta = by_author(meta, found[0])
        elif meta.author.isupper():
            place = next((p for p in fronts if meta.author.endswith(" " + p)), None)
            if place is not None:
                meta = by_author(meta, meta.author[: -len(place) - 1])
        out.append(meta)
    return out


def _of_template(
    lines: Sequence[str], found: list[tuple[str, Meta]], dated: list[int], best: str
) -> list[Meta]:
    """The metas of the template `best`. A date line read with the name on its other side
    (a signature line above "DATE / NAME") is read again the page's way round."""
    metas: list[Meta] = []
    end = -1
    twin = _twin(best)
    for (key, meta), at in zip(found, dated, strict=True):
        if key != best and best[:3] in ("N/D", "D/N"):
            again = read_meta(lines, at, flip=True)
            if again is not None and again[0] == best and again[1].line > end:
                key, meta = again
        if key == best or (key == twin and metas and _days_alike(meta, metas[-1])):
            metas.append(meta)
            end = meta.last if meta.last is not None else meta.line
    return metas


def _twin(key: str) -> str | None:
    """The same header broken the other way: "NAME DATE" on one line and "NAME / DATE" on
    two (a long name pushes the date to the next line); a page shows both."""
    if key in ("nD", "nDT"):
        return f"N/D{key[2:]}n"
    if key in ("N/Dn", "N/DTn"):
        return f"nD{key[3:-1]}"
    return None


def _days_alike(meta: Meta, other: Meta) -> bool:
    """Whether both show a day, or neither does: a twin header shows its time as the page's
    others do ("Update 10:45 am: ..." in a body is no header beside "NAME / March 3, 2012 at
    10:01 AM")."""
    shown = [m.posted_text is not None and DAY_SHOWN.search(m.posted_text) for m in (meta, other)]
    return bool(shown[0]) == bool(shown[1])


def _gap_before(lines: Sequence[str], at: int) -> int:
    run = 0
    while at - run - 1 >= 0 and blank(lines[at - run - 1]):
        run += 1
    return run


def set_apart(lines: Sequence[str], meta: Meta) -> bool:
    """Whether a lone meta line opens or closes the page's last block: a gap of GAP blank
    lines above it (a header) or above the few lines it closes (a footer), and only a few
    lines after it."""
    last = meta.last if meta.last is not None else meta.line
    start = meta.line
    if _gap_before(lines, start) < GAP:
        above = 0
        while start > 0 and _gap_before(lines, start) < GAP:
            start -= 1
            above += int(not blank(lines[start]))
            if above > 12:
                return False
        if start == 0:
            return False
    tail = sum(1 for line in lines[last + 1 :] if not blank(line))
    return tail + (meta.line - start) > 0 and tail <= 12


def detect(lines: Sequence[str]) -> float:
    """Low and growing with the number of recurring meta lines: the last resort."""
    count = (
        len(find_metas(lines))
        or len(_pingbacks(lines))
        or len(_one_set_apart(lines))
        or len(_one_dated_set_apart(lines))
    )
    if count == 0 and _unsigned_after_gap(lines):
        return UNSIGNED_SCORE
    return min(0.3, 0.06 * count)


# "Pingback: TITLE" (or "Trackback:"), the linking post's title alone, no date
PINGBACK_LINE = re.compile(r"^\s*(?:pingback|trackback)\s*:\s*\S", re.IGNORECASE)


def _pingbacks(lines: Sequence[str]) -> list[int]:
    """The "Pingback: TITLE" lines that close the page (blank lines or buttons between and
    after them), set apart from the text above by a blank line: a post whose only answers
    are pingbacks, shown without a date."""
    found: list[int] = []
    i = len(lines) - 1
    while i >= 0 and (
        blank(lines[i]) or PINGBACK_LINE.match(lines[i]) is not None or is_ui(lines[i])
    ):
        if not blank(lines[i]) and PINGBACK_LINE.match(lines[i]) is not None:
            found.append(i)
        i -= 1
    if not found or i < 0 or not blank(lines[found[-1] - 1]):
        return []
    return found[::-1]


def _dates_close_names_open(lines: Sequence[str], metas: list[Meta], floor: int) -> list[Meta]:
    """ "NAME / body / DATE" read as "DATE / NAME" pairs: each date line hugs the text above
    it (buttons and a blank line may stand between it and the name), a name line opens the
    section's first block (set apart from its body as the other names are) and a date line
    closes its last. Then each name opens the body below it and the date after that body
    closes it: the names are headers, the dates are read as times shown after the body (no
    metas: [])."""
    if len(metas) < 2 or any(
        m.last is None
        or m.last <= m.line
        or not all(blank(lines[i]) or is_ui(lines[i]) for i in range(m.line + 1, m.last))
        or blank(lines[m.line - 1])
        or find_time(lines[m.last]) is not None
        for m in metas
    ):
        return []
    first = gap_above(lines, metas[0].line, floor)
    opener = clean_name(_name_part(lines[first]))
    second = metas[0].last or metas[0].line  # the second comment's name line
    hugs = second + 1 < len(lines) and not blank(lines[second + 1])  # a name hugs its body
    if (
        first + 1 >= metas[0].line
        or blank(lines[first + 1]) == hugs
        or not plausible_name(opener)
        or find_time(lines[first]) is not None
    ):
        return []
    last = metas[-1].last or metas[-1].line
    if time_after(lines, last + 1, end_below(lines, last + 1, len(lines)))[0] is None:
        return []
    return [Meta(first, opener)] + [Meta(m.last or m.line, m.author, depth=m.depth) for m in metas]


def split(lines: Sequence[str]) -> Section | None:
    metas = find_metas(lines)
    if not metas:
        return (
            _pingback_section(lines)
            or _one_set_apart_section(lines)
            or _one_dated_set_apart_section(lines)
            or _unsigned_after_gap_section(lines)
        )
    floor = skip_head(lines)
    names = _dates_close_names_open(lines, metas, floor)
    if names:
        return from_headers(lines, names, times_after=True)
    closing = _profiles_close(lines, metas, floor)
    if closing is not None:
        return closing
    if placement(lines, metas, floor) == "footer":
        return from_footers(lines, metas, floor)
    return _unsigned(lines, metas, from_headers(lines, metas))


def _unsigned(lines: Sequence[str], metas: list[Meta], section: Section | None) -> Section | None:
    """Comments that show no name: "text / DATE" read as "NAME / DATE" headers leaves every
    body empty. Then each such line is the comment's text, its author not shown ("")."""
    if (
        section is None
        or len(section.comments) < 2
        or any(c.body.strip() for c in section.comments)
        or any(m.last is None or m.last == m.line for m in metas)
    ):
        return section
    comments = [
        replace(c, author="", body=lines[m.line].strip())
        for c, m in zip(section.comments, metas, strict=True)
    ]
    return replace(section, comments=comments)


def _pingback_section(lines: Sequence[str]) -> Section | None:
    """The pingbacks closing a page that shows no other comment (see `_pingbacks`): each a
    trackback by the linking post's title, with no text of its own."""
    found = _pingbacks(lines)
    if not found:
        return None
    comments = [
        RawComment(clean_name(TRACKBACK.sub("", lines[i])), "", i, kind="trackback") for i in found
    ]
    return Section(found[0], found[-1] + 1, comments, found)


def _date_alone(line: str) -> bool:
    text = line.strip()
    span = find_time(text)
    return span is not None and span[0] == 0 and span[1] >= len(text) - 1


LAST_BLOCK = 40  # lines after the last date in which the profile block of its body lies


def _profiles_close(lines: Sequence[str], metas: list[Meta], floor: int) -> Section | None:
    """ "DATE / body / NAME / Total Comments (N)" read as profile headers ("NAME / counter /
    DATE / body"): a lone date line opens the section's first body, and a profile block with
    no date under it closes the last. Then each profile block names the body above it, and
    each date is the time of the body below it (no such page: None)."""
    if len(metas) < 2:
        return None
    dates = [m.last for m in metas if m.last is not None]  # each block's date, its last line
    if len(dates) < len(metas):
        return None
    for date in dates:
        counter = _neighbour(lines, date, -1)
        if counter is None or not is_counter(lines[counter]) or not _date_alone(lines[date]):
            return None
    first = gap_above(lines, metas[0].line, floor)
    while first < metas[0].line and blank(lines[first]):
        first += 1
    if first < metas[0].line and not _date_alone(lines[first]):
        above = first - 1  # the date over the body, a blank line or two up
        while above > first - GAP and above > floor and blank(lines[above]):
            above -= 1
        first = above if _date_alone(lines[above]) else first
    if first >= metas[0].line or not _date_alone(lines[first]):
        return None
    after = dates[-1] + 1
    stop = min(len(lines), after + LAST_BLOCK)
    counter = next((i for i in range(after, stop) if is_counter(lines[i])), None)
    if counter is None or any(_date_alone(line) for line in lines[counter + 1 : stop]):
        return None
    top = block_above(lines, counter)
    if top >= counter or not plausible_name(clean_name(lines[top])):
        return None
    dates = [first, *dates]
    blocks = [(m.line, m.author) for m in metas] + [(top, clean_name(lines[top]))]
    comments = []
    for date, (line, author) in zip(dates, blocks, strict=True):
        end = line
        while end > date + 1 and (blank(lines[end - 1]) or lines[end - 1].strip().isdigit()):
            end -= 1  # the comment's number, shown under its body
        body = body_text(lines, date + 1, end)
        comments.append(RawComment(author, body, line, posted_text=lines[date].strip()))
    return Section(first, counter + 1, comments, [line for line, _ in blocks])


def _text_end(lines: Sequence[str]) -> int:
    """The line after the page's last line of text."""
    end = len(lines)
    while end > 0 and blank(lines[end - 1]):
        end -= 1
    return end


def _one_set_apart(lines: Sequence[str]) -> list[int]:
    """An indented name line over an indented paragraph that ends the page, set apart from the
    text above by a wide gap: a page's one comment, shown without a date. The lines of the
    name and the paragraph, or [] (a name alone is short, with no mark at its end)."""
    end = _text_end(lines)
    start = end
    while start > 0 and not blank(lines[start - 1]):
        start -= 1
    if end - start != 1 or start < 2 or not blank(lines[start - 1]):
        return []
    name_at = start - 2
    name, body = lines[name_at], lines[start]
    width = len(name) - len(name.lstrip())
    if width < 2 or len(body) - len(body.lstrip()) != width or _gap_before(lines, name_at) < GAP:
        return []
    text = name.strip()
    if len(text.split()) > 3 or not text[-1:].isalnum() or not plausible_name(text):
        return []
    if is_heading(text) or is_chrome(text) or is_ui(text):
        return []  # "Comments", "Leave a Reply", "Share": the page's own words
    if find_time(text) is not None or len(body.split()) < 3:
        return []
    return [name_at, start]


MAX_LONE_BODY = 12  # lines of the one unsigned comment's text at the page's end, at most


def _one_dated_set_apart(lines: Sequence[str]) -> list[int]:
    """A date line (or a date line and a time line) over the text that ends the page, set
    apart from the text above by a wide gap: a page's one comment, its author not shown. The
    date's lines, or []."""
    at = 0
    while at < len(lines) and blank(lines[at]):
        at += 1
    end = _text_end(lines)
    for start in range(end - 2, max(end - 2 - MAX_LONE_BODY - 3, at), -1):
        if not _date_alone(lines[start]) or _gap_before(lines, start) < GAP:
            continue
        dates = [start]
        if start + 1 < end and _date_alone(lines[start + 1]):
            dates.append(start + 1)
        text = [line for line in lines[dates[-1] + 1 : end] if not blank(line)]
        if not text or len(text) > MAX_LONE_BODY or any(_date_alone(line) for line in text):
            return []
        if sum(len(line.split()) for line in text) < 5:
            return []
        return dates
    return []


def _one_dated_set_apart_section(lines: Sequence[str]) -> Section | None:
    """The one comment `_one_dated_set_apart` finds: its date, and the text under it."""
    dates = _one_dated_set_apart(lines)
    if not dates:
        return None
    end = _text_end(lines)
    posted = " ".join(lines[i].strip() for i in dates)
    body = body_text(lines, dates[-1] + 1, end)
    return Section(dates[0], end, [RawComment("", body, dates[0], posted)], dates[:1])


UNSIGNED_SCORE = 0.01  # below every other reading: tried only when nothing else reads the page
WIDE_GAP = 6  # blank lines: wider than any gap inside an article, the one before its comments
HEAD = 8  # the page's first text lines, where its title is


def _unsigned_after_gap(lines: Sequence[str]) -> list[int]:
    """The text that ends the page after a gap of WIDE_GAP blank lines or more: a page's one
    comment, shown without a name or a date. Its first and last lines, or [] (more than
    MAX_LONE_BODY lines, a gap of GAP inside, a date or a page's heading in it: not one)."""
    end = _text_end(lines)
    start = end
    text: list[str] = []
    while start > 0:
        if not blank(lines[start - 1]):
            start -= 1
            text.append(lines[start])
            if len(text) > MAX_LONE_BODY:
                return []
            continue
        gap = _gap_before(lines, start)
        if gap >= WIDE_GAP:
            break
        if gap >= GAP:
            return []
        start -= gap
    if start - _gap_before(lines, start) <= 0 or not text:
        return []  # the page's only text: an article
    if sum(len(WORDS.findall(line)) for line in text) < 3:
        return []  # two words at most, or none at all (a divider: "* * *")
    for line in text:
        stripped = line.strip()
        if find_time(stripped) is not None or is_heading(stripped) or is_chrome(stripped):
            return []
        if is_ui(stripped) or is_counter(stripped):
            return []
    above = lines[: start - _gap_before(lines, start)]
    head = {line.strip() for line in islice((x for x in above if not blank(x)), HEAD)}
    if lines[start].strip() in head:  # the article's title again, as the comment's subject
        start += 1
        while start < end and blank(lines[start]):
            start += 1
        if start >= end:
            return []
    return [start, end - 1]


def _unsigned_after_gap_section(lines: Sequence[str]) -> Section | None:
    """The one comment `_unsigned_after_gap` finds: its author not shown ("")."""
    found = _unsigned_after_gap(lines)
    if not found:
        return None
    start, last = found
    comment = RawComment("", body_text(lines, start, last + 1), start)
    return Section(start, last + 1, [comment], [start])


def _one_set_apart_section(lines: Sequence[str]) -> Section | None:
    """The one comment `_one_set_apart` finds, by the name over its paragraph."""
    found = _one_set_apart(lines)
    if not found:
        return None
    name_at, body_at = found
    comment = RawComment(lines[name_at].strip(), lines[body_at].strip(), name_at)
    return Section(name_at, body_at + 1, [comment], [name_at])
