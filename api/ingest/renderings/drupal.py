"""Drupal (the seed's site): `AUTHOR [PARENT] Day, MM/DD/YYYY - HH:MM Permalink` before the body,
`In reply to by PARENT` closing a reply's body."""

from __future__ import annotations

from collections.abc import Sequence

from api.ingest.headers import Footer, Header, match_footer, match_header, split_names
from api.ingest.renderings.base import RawComment, Section
from api.ingest.renderings.scan import lines_holding
from api.ingest.renderings.shapes import body_text

NAME = "drupal"
CEILING = 1.0  # the most `detect` answers


def _headers(lines: Sequence[str]) -> list[tuple[int, Header]]:
    found: list[tuple[int, Header]] = []
    for number in lines_holding(lines, ("Permalink",)):
        header = match_header(lines[number].strip())
        if header is not None:
            found.append((number, header))
    return found


def detect(lines: Sequence[str]) -> float:
    """Certain from one header: the format is unlike any other."""
    return 1.0 if _headers(lines) else 0.0


def _body(lines: Sequence[str], start: int, end: int) -> tuple[str, Footer | None]:
    """A body and its `In reply to by` footer, if its last line is one."""
    last = end - 1
    while last >= start and not lines[last].strip():
        last -= 1
    footer = match_footer(lines[last]) if last >= start else None
    return body_text(lines, start, last if footer is not None else last + 1, buttons=False), footer


def split(lines: Sequence[str]) -> Section | None:
    headers = _headers(lines)
    if not headers:
        return None
    raw: list[tuple[int, Header, str, Footer | None]] = []
    for index, (number, header) in enumerate(headers):
        end = headers[index + 1][0] if index + 1 < len(headers) else len(lines)
        body, footer = _body(lines, number + 1, end)
        raw.append((number, header, body, footer))
    known = _known_names(raw)
    comments = []
    for number, header, body, footer in raw:
        names = split_names(header.names, footer, known)
        comments.append(
            RawComment(
                author=names.author,
                author_verified=names.author_verified,
                body=body,
                line=number,
                posted_text=_posted_text(lines[number]),
                local_time=header.local_time,
                reply_to=names.parent,
                reply_to_verified=names.parent_verified,
            )
        )
    return Section(headers[0][0], len(lines), comments, [n for n, _ in headers])


def _posted_text(line: str) -> str:
    """`Sun, 06/18/2017 - 14:45` as the header shows it."""
    text = line.strip().removesuffix("Permalink").rstrip()
    for dow in ("Mon, ", "Tue, ", "Wed, ", "Thu, ", "Fri, ", "Sat, ", "Sun, "):
        at = text.rfind(" " + dow)
        if at >= 0:
            return text[at + 1 :]
    return text


def _known_names(raw: list[tuple[int, Header, str, Footer | None]]) -> frozenset[str]:
    """Names the page establishes without guessing: footers, and authors split by them."""
    known: set[str] = set()
    for _, header, _, footer in raw:
        if footer is None:
            if " " not in header.names:
                known.add(header.names)
            continue
        known.add(footer.name)
        names = split_names(header.names, footer, frozenset())
        known.add(names.author)
    return frozenset(known)
