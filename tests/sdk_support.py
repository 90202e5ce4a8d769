"""What both generated-SDK tests need: a served database with keys, and the operations a usage
program did not reach."""

from __future__ import annotations

import json
from pathlib import Path

from api.store.api_keys import make_key
from api.store.sqlite import connections as db
from api.store.sqlite.keys import create_key, revoke_key
from tests.conftest import ROOT, SEED, ingest


def seeded_with_keys(path: Path) -> tuple[str, str]:
    """The seed page stored at `path`, with a live and a revoked API key; their tokens."""
    ingest(path, SEED)
    conn = db.connect(path)
    live, revoked = make_key(), make_key()
    create_key(conn, "sdk", live)
    create_key(conn, "old", revoked)
    revoke_key(conn, revoked.prefix)
    conn.close()
    return live.token, revoked.token


def unexercised(output: str) -> set[str]:
    """Operations of openapi.json that no `ok OPERATION_ID` line of `output` names."""
    exercised = {line.split()[1] for line in output.splitlines() if line.startswith("ok ")}
    spec = json.loads((ROOT / "openapi.json").read_text())
    operations = {op["operationId"] for item in spec["paths"].values() for op in item.values()}
    return operations - exercised
