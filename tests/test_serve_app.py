"""`serve_app`: the app each `threadbase serve` worker runs, what start-up leaves alive frozen
out of the cyclic garbage collector while it serves."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from api.app import serve_app


async def test_startup_is_frozen_while_serving_and_thawed_at_shutdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THREADBASE_DB", str(tmp_path / "served.db"))
    assert gc.get_freeze_count() == 0
    async with AsyncTestClient(serve_app()) as client:
        frozen = gc.get_freeze_count()
        response = await client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["articles"] == 0
    assert frozen > 10_000  # the routes, schemas and OpenAPI document at least
    assert gc.get_freeze_count() == 0
