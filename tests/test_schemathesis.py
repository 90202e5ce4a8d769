"""Schemathesis against the committed openapi.json, on a real server: zero failures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from api import db
from api.keys import make_key
from api.store.keys import create_key
from tests.conftest import ROOT, SEED, ingest
from tests.test_cli import THREADBASE
from tests.test_server import free_port


def test_schemathesis_finds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "st.db"
    ingest(path, SEED)
    conn = db.connect(path)
    key = make_key()
    create_key(conn, "schemathesis", key)
    conn.close()
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [*THREADBASE, "serve", "--db", str(path), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "THREADBASE_RATE_LIMIT": "0"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
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
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "passed" in result.stdout
    assert "failures" not in result.stdout.split("SUMMARY")[-1].lower()
