"""A Python SDK generated from the committed openapi.json: no generator warning, `mypy --strict`
clean, and every operation driven against a real server by sdk/python/usage.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, served
from tests.sdk_support import seeded_with_keys, unexercised

BIN = Path(sys.executable).parent
SDK = ROOT / "sdk" / "python"


def run(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env},
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding the generated `threadbase_client` package."""
    where = tmp_path_factory.mktemp("python-sdk")
    done = run(
        BIN / "openapi-python-client",
        "generate",
        "--path",
        ROOT / "openapi.json",
        "--config",
        SDK / "config.yaml",
        "--meta",
        "none",
        "--output-path",
        where / "threadbase_client",
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "warning" not in output.lower(), output
    return where


def test_the_generated_client_and_its_use_type_check_strictly(generated: Path) -> None:
    checked = run(
        BIN / "mypy",
        "--strict",
        "--no-incremental",
        "--cache-dir",
        os.devnull,
        generated / "threadbase_client",
        SDK / "usage.py",
        MYPYPATH=str(generated),
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_generated_client_drives_every_operation(generated: Path, tmp_path: Path) -> None:
    path = tmp_path / "sdk.db"
    live, revoked = seeded_with_keys(path)
    with served(path, env={"THREADBASE_RATE_LIMIT": "400"}) as base:
        used = run(
            sys.executable,
            SDK / "usage.py",
            base,
            live,
            revoked,
            PYTHONPATH=str(generated),
        )
    assert used.returncode == 0, used.stdout + used.stderr
    assert unexercised(used.stdout) == set()
