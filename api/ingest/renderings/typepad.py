"""TypePad (and Movable Type): the body, then `Posted by: NAME | DATE` or `Posted by: NAME at
DATE` closing it. The colon sets these apart from the article's own `Posted by NAME at DATE`.

Trackbacks come as blocks of their own: `» POST TITLE from BLOG`, the linking post's excerpt,
then `Tracked on DATE`. Above the comments they are the article's list of links; a page
whose only answers they are shows them as its comment section."""

from __future__ import annotations

import re
from collections.abc import Sequence

from api.ingest.renderings.base import RawComment, Section
from api.ingest.renderings.scan import lines_holding
from api.ingest.renderings.shapes import (
    Meta,
    blank,
    body_text,
    clean_name,
    from_footers,
    loose_name,
    plausible_name,
)
from api.ingest.times import find_time

NAME = "typepad"
CEILING = 0.7  # the most `detect` answers
FOOTER = re.compile(r"^\s*posted by:\s+(?P<rest>\S.{0,150})$", re.IGNORECASE)
TRACKED = re.compile(r"^\s*tracked on\s+(?P<rest>\S.{0,80})$", re.IGNORECASE)
LINKING = re.compile(r"^\s*»?\s*(?P<title>\S.*)$")
BLOCK = 12  # lines of a trackback's block above its `Tracked on` line, at most


def _metas(lines: Sequence[str]) -> list[Meta]:
    metas: list[Meta] = []
    for i in lines_holding(lines, ("osted by:",)):
        m = FOOTER.match(lines[i])
        if m is None:
            continue
        rest = m["rest"]
        span = find_time(rest)
        if span is None:
            continue
        name = clean_name(rest[: span[0]])
        # The label says a name follows, whatever its words ("GoBlue!")
        if plausible_name(name) or loose_name(name):
            metas.append(Meta(i, name, rest[span[0] : span[1]].strip()))
    return metas


def _tracked(lines: Sequence[str]) -> list[tuple[int, str]]:
    """Each `Tracked on DATE` line and its time text."""
    found: list[tuple[int, str]] = []
    for i in lines_holding(lines, ("racked on",)):
        m = TRACKED.match(lines[i])
        if m is None:
            continue
        rest = m["rest"]
        span = find_time(rest)
        if span is not None and span[0] == 0:
            found.append((i, rest[: span[1]].strip()))
    return found


def detect(lines: Sequence[str]) -> float:
    count = len(_metas(lines))
    if count == 0:
        return 0.35 if _tracked(lines) else 0.0
    return 0.35 if count == 1 else 0.7


def split(lines: Sequence[str]) -> Section | None:
    metas = _metas(lines)
    return from_footers(lines, metas) if metas else _trackbacks(lines, _tracked(lines))


def _trackbacks(lines: Sequence[str], tracked: list[tuple[int, str]]) -> Section | None:
    """The trackbacks of a page with no comments: each block's first line names the linking
    post and its blog (`TITLE from BLOG`: the blog is the author), the rest is its excerpt."""
    comments: list[RawComment] = []
    floor = 0
    for at, posted in tracked:
        end = at
        while end > floor and blank(lines[end - 1]):
            end -= 1
        top = end
        while top > floor and end - top < BLOCK and not blank(lines[top - 1]):
            top -= 1
        if top == end:
            return None
        m = LINKING.match(lines[top])
        if m is None:
            return None
        title = m["title"].strip()
        _, found, blog = title.rpartition(" from ")
        author = clean_name(blog if found else title)
        if not author:
            return None
        body = body_text(lines, top + 1, end)
        comments.append(RawComment(author, body, top, posted, kind="trackback"))
        floor = at + 1
    if not comments:
        return None
    return Section(comments[0].line, tracked[-1][0] + 1, comments, [c.line for c in comments])
