"""TypeScript types generated from the committed openapi.json: openapi-typescript without a
warning, sdk/typescript/usage.ts compiled by `tsc --strict`, then run by node against a real
server, driving every operation with openapi-fetch. The npm packages are pinned by the committed
lockfile and installed by `make test` (`npm ci`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, served
from tests.sdk_support import seeded_with_keys, unexercised

SDK = ROOT / "sdk" / "typescript"
BIN = SDK / "node_modules" / ".bin"


def run(*args: str | Path, cwd: Path = SDK) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def compiled() -> Path:
    """sdk/typescript/build/usage.js, built from freshly generated types."""
    if shutil.which("node") is None or not (BIN / "tsc").exists():
        pytest.fail("node and the sdk/typescript packages are needed: run `make test`")
    generated = run(
        BIN / "openapi-typescript",
        ROOT / "openapi.json",
        "--default-non-nullable",
        "false",
        "--output",
        "build/schema.d.ts",
    )
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "warn" not in output.lower(), output
    built = run(BIN / "tsc", "--project", "tsconfig.json")
    assert built.returncode == 0, built.stdout + built.stderr
    return SDK / "build" / "usage.js"


def test_every_operation_from_typescript(compiled: Path, tmp_path: Path) -> None:
    path = tmp_path / "ts.db"
    live, revoked = seeded_with_keys(path)
    with served(path) as base:
        used = run("node", compiled, base, live, revoked)
    assert used.returncode == 0, used.stdout + used.stderr
    assert unexercised(used.stdout) == set()
