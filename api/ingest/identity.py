"""What makes two ingests the same article, and the same content. Pure.

Two identities, for two questions:

- **Article identity** (is this page a re-crawl of a stored article?): the canonical URL when
  the crawl knows one (`canonical_url`: scheme and host case, default port, fragment and
  tracking parameters removed), else a fingerprint of the article's own title and text
  (`article_fingerprint`), never of its comments, which change from crawl to crawl.
- **Content identity** (did anything change?): one hash of the article as parsed, not the bytes
  that carried it: its title, the kind and text of every block of every non-empty section, and
  every comment's author, verified flag, time (whole Unix seconds, as stored), body and named
  parent. A raw page and the structured document that `GET /v1/articles/{id}/document` returns
  for it are therefore the same content, and so is anything the parser reads the same way. The
  source's `url` and `published_at` are not content. A crawl with the content of one already
  merged changes nothing.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import msgspec

from api.ingest.model import Block, ParsedComment

VERSION = "threadbase-content/1"
CanonicalBlock = tuple[str, str]  # kind, text
CanonicalComment = tuple[str, bool, int | None, str, str | None, bool | None]
"""author, author_verified, posted_at (Unix seconds; None when the page shows none), body,
parent_author, parent_author_verified."""

DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PREFIXES = ("utm_",)
TRACKING_NAMES = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "yclid", "igshid", "_ga", "_hsenc"}
)


def normalise_body(body: str) -> str:
    """Text for matching: NFC, every run of whitespace as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", body).split())


def canonical_url(url: str | None) -> str | None:
    """The URL with scheme and host in lower case, no default port, no fragment and no
    tracking parameters (`utm_*`, `fbclid`, ...); None for no URL."""
    if url is None or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return url.strip()
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    query = urlencode(
        [
            (name, value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if not name.lower().startswith(TRACKING_PREFIXES) and name.lower() not in TRACKING_NAMES
        ]
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def article_fingerprint(title: str, sections: Sequence[Sequence[Block]]) -> str:
    """SHA-256 of the normalised title and article text (never its comments)."""
    text = "\n".join(
        [normalise_body(title), *(normalise_body(b.text) for s in sections for b in s)]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_text(title: str, sections: Sequence[Sequence[Block]]) -> str:
    """An article's own text as one string (title, then blocks; sections split by `* * *`),
    the form its revisions are kept in."""
    body = "\n\n* * *\n\n".join("\n\n".join(b.text for b in s) for s in sections)
    return f"{title}\n\n{body}" if body else title


def content_identity(
    title: str,
    sections: Iterable[Sequence[CanonicalBlock]],
    comments: Iterable[CanonicalComment],
) -> str:
    """SHA-256 of the canonical form of an article."""
    canonical = msgspec.json.encode(
        [
            VERSION,
            title,
            [list(section) for section in sections if section],
            list(comments),
        ]
    )
    return hashlib.sha256(canonical).hexdigest()


def page_identity(title: str, sections: list[list[Block]], comments: list[ParsedComment]) -> str:
    """The content identity of a parsed article."""
    return content_identity(
        title,
        ([(block.kind, block.text) for block in section] for section in sections),
        (
            (
                c.author,
                c.author_verified,
                None if c.posted_at is None else int(c.posted_at.timestamp()),
                c.body,
                c.parent_author,
                c.parent_author_verified,
            )
            for c in comments
        ),
    )


def lock_key(kind: str, value: str) -> int:
    """A signed 64-bit number for one identity (`kind` names which: "url", "text", "content",
    "article"), the key of a PostgreSQL advisory lock: equal identities, equal keys."""
    digest = hashlib.sha256(f"{kind}\0{value}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def page_lock_keys(
    url: str | None, title: str, sections: Sequence[Sequence[Block]], content_hash: str
) -> list[int]:
    """The lock keys of every identity a page can be found by (its canonical URL, its text's
    fingerprint, its content), in ascending order, so writers take them in one order."""
    canonical = canonical_url(url)
    keys = {
        lock_key("text", article_fingerprint(title, sections)),
        lock_key("content", content_hash),
    }
    if canonical is not None:
        keys.add(lock_key("url", canonical))
    return sorted(keys)
