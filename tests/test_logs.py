"""JSON logs over a real server: every stderr line one object, access lines and errors
carrying the request id the response gave (`THREADBASE_LOG_FORMAT=json`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.settings import Settings
from tests.conftest import SEED, free_port, ingest, served


def test_json_logs_name_each_request(tmp_path: Path) -> None:
    path = tmp_path / "threadbase.db"
    ingest(path, SEED)
    stderr = tmp_path / "stderr.log"
    env = {
        "THREADBASE_LOG_FORMAT": "json",
        # Nothing listens there: every request logs the rate-limit store's failure (and goes
        # through uncounted), which is how this test makes the server log an error.
        "THREADBASE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
    }
    with served(path, env=env, stderr=stderr) as base, httpx.Client(base_url=base) as client:
        found = client.get("/v1/articles/1", headers={"X-Request-Id": "logs-test-1"})
        missing = client.get("/v1/articles/999")
        head = client.head("/v1/articles/1", headers={"X-Request-Id": "logs-test-head"})
    assert (found.status_code, missing.status_code, head.status_code) == (200, 404, 200)
    lines = [line for line in stderr.read_text().splitlines() if line.strip()]
    records: list[dict[str, Any]] = [json.loads(line) for line in lines]  # every line is JSON
    assert all(isinstance(r, dict) for r in records)

    def access(request_id: str) -> dict[str, Any]:
        (line,) = [
            r
            for r in records
            if r["logger"] == "threadbase.access" and r["request_id"] == request_id
        ]
        return line

    first = access("logs-test-1")
    assert {k: first[k] for k in ("method", "path", "status")} == {
        "method": "GET",
        "path": "/v1/articles/1",
        "status": 200,
    }
    assert isinstance(first["duration_ms"], float)
    assert first["duration_ms"] >= 0
    assert access(missing.headers["x-request-id"])["status"] == 404
    assert access("logs-test-head")["method"] == "HEAD"
    errors = [r for r in records if r["level"] == "error" and r.get("request_id") == "logs-test-1"]
    assert len(errors) == 1
    assert errors[0]["message"] == "rate-limit store failed; request not counted"
    assert errors[0]["path"] == "/v1/articles/1"
    assert [r["method"] for r in records if r.get("request_id") == "logs-test-head"] == ["HEAD"] * 2
    assert "ConnectionError" in errors[0]["error"]
    # uvicorn's own lines are JSON too, and its text access line is gone.
    assert any(r["logger"].startswith("uvicorn") for r in records)
    assert not any(r["logger"] == "uvicorn.access" for r in records)


def test_text_logs_are_the_default_and_other_formats_refused() -> None:
    assert Settings.from_env({}).log_format == "text"
    assert Settings.from_env({"THREADBASE_LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(ValueError, match="THREADBASE_LOG_FORMAT"):
        Settings.from_env({"THREADBASE_LOG_FORMAT": "xml"})
