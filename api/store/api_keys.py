"""API keys: `tb_<prefix>_<secret>`, stored as a SHA-256 hash and looked up by prefix."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

KEY_FORMAT = re.compile(r"^tb_(?P<prefix>[a-z0-9]{8})_(?P<secret>[A-Za-z0-9_-]{32,64})$")


@dataclass(frozen=True, slots=True)
class NewKey:
    """A freshly made key: `token` is shown once and never stored."""

    token: str
    prefix: str
    digest: str


def digest(token: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def make_key() -> NewKey:
    """A new random key (256 bits of secret)."""
    prefix = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))
    token = f"tb_{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(token, prefix, digest(token))


def prefix_of(token: str) -> str | None:
    """The lookup prefix of a well-formed key, or None."""
    m = KEY_FORMAT.match(token)
    return m["prefix"] if m else None


def matches(token: str, stored_digest: str) -> bool:
    """Constant-time comparison of a presented key with a stored digest."""
    return hmac.compare_digest(digest(token), stored_digest)
