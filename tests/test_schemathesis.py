"""Schemathesis against the committed openapi.json, on a real server: zero failures."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from api.store.api_keys import make_key
from api.store.sqlite import connections as db
from api.store.sqlite.keys import create_key
from tests.conftest import ROOT, SEED, ingest, served


def test_schemathesis_finds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "st.db"
    ingest(path, SEED)
    conn = db.connect(path)
    key = make_key()
    create_key(conn, "schemathesis", key)
    conn.close()
    with served(path, env={"THREADBASE_RATE_LIMIT": "0"}) as base:
        st = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
        assert st is not None, "schemathesis is a test dependency"
        result = subprocess.run(
            [
                st,
                "run",
                str(ROOT / "openapi.json"),
                "--url",
                base,
                "--checks",
                "all",
                "--workers",
                "1",
                "--max-examples",
                "25",
                "--header",
                f"Authorization: Bearer {key.token}",
                "--no-color",
            ],
            cwd=ROOT,  # picks up schemathesis.toml
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "passed" in result.stdout
    assert "failures" not in result.stdout.split("SUMMARY")[-1].lower()
