"""What makes two crawls the same article: its canonical URL, else its own text. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from api.ingest.merge import normalise_body
from api.ingest.model import Block

DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PREFIXES = ("utm_",)
TRACKING_NAMES = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "yclid", "igshid", "_ga", "_hsenc"}
)


def canonical_url(url: str | None) -> str | None:
    """The URL with scheme and host in lower case, no default port, no fragment and no
    tracking parameters (`utm_*`, `fbclid`, ...); None for no URL or one without a host."""
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
