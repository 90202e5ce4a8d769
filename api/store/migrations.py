"""Versioned SQL migrations: numbered scripts shipped inside each engine's package
(`api/store/sqlite/migrations/`, `api/store/postgres/migrations/`), applied in order by the
engine that owns them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

MIGRATION_NAME = re.compile(r"^(\d{4})_\w+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered SQL script."""

    version: int
    name: str
    sql: str


def shipped(package: str) -> list[Migration]:
    """Every migration script (`NNNN_name.sql`) in `package`, in version order."""
    found: list[Migration] = []
    for entry in resources.files(package).iterdir():
        m = MIGRATION_NAME.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda mig: mig.version)
    return found
