"""Which parser read a page: a digest of the parsing code itself, so it changes with it."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources


@cache
def parser_version() -> str:
    """12 hex digits of SHA-256 over every module of `api.ingest` (sorted by path)."""
    digest = hashlib.sha256()
    pending = [resources.files("api.ingest")]
    files = []
    while pending:
        folder = pending.pop()
        for entry in folder.iterdir():
            if entry.is_dir() and not entry.name.startswith("__"):
                pending.append(entry)
            elif entry.name.endswith(".py"):
                files.append(entry)
    for entry in sorted(files, key=lambda e: str(e)):
        digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()[:12]
