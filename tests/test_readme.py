"""README.md tells the truth: every console example runs, as written, against a real server
prepared as `make run` prepares it, and prints what the README shows (`…` matches anything).

The commands run in one bash session, so variables (`KEY=$(...)`) carry over between
examples; `http://127.0.0.1:8000` is pointed at the test server and its address is put back
in the output. `.venv/bin/threadbase` runs this checkout's CLI on the test database.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, THREADBASE, served
from tests.readme_examples import Example, examples, normalise

README = ROOT / "README.md"
DOCUMENTED = "http://127.0.0.1:8000"
MARK = "::readme-example::"
CLI = Path(sys.executable).parent / "threadbase"  # this checkout's CLI, installed with -e

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    """Each example's real output, by README line, from one run of all of them in order."""
    return run_examples(tmp_path_factory.mktemp("readme"))


def run_examples(home: Path) -> dict[int, str]:
    """Run every README example in one bash session against a fresh server; outputs by line."""
    database = home / "data" / "threadbase.db"
    env = {**os.environ, "THREADBASE_DB": str(database)}
    # As `make run`: load the seed pages (the Makefile's fixtures/*.txt) into the empty
    # database, then serve it.
    seed_pages = [str(page) for page in sorted((ROOT / "fixtures").glob("*.txt"))]
    subprocess.run(
        [*THREADBASE, "ingest", *seed_pages, "--if-empty"], env=env, check=True, capture_output=True
    )
    with served(database) as base:
        script = [
            "set +e",
            f"cd {shlex.quote(str(ROOT))}",
            f"export THREADBASE_DB={shlex.quote(str(database))}",
            f'threadbase() {{ {shlex.quote(str(CLI))} "$@"; }}',
        ]
        for example in examples(README.read_text(encoding="utf-8")):
            command = example.command.replace(DOCUMENTED, base)
            command = re.sub(r"(?<![\w/.])\.venv/bin/threadbase\b", "threadbase", command)
            script += [f"printf '\\n{MARK}%s\\n' {example.line}", "{ :", command, "} 2>&1"]
        ran = subprocess.run(
            ["bash", "-c", "\n".join(script)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert ran.stderr == "", ran.stderr
    chunks = ran.stdout.split(f"\n{MARK}")[1:]
    found: dict[int, str] = {}
    for chunk in chunks:
        line, _, output = chunk.partition("\n")
        found[int(line)] = output.replace(base, DOCUMENTED)
    return found


def _examples() -> list[Example]:
    return examples(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("example", _examples(), ids=lambda e: f"README.md:{e.line}")
def test_readme_example(example: Example, outputs: dict[int, str]) -> None:
    actual = outputs[example.line]
    assert example.matches(actual), (
        f"README.md:{example.line}: $ {example.command}\n"
        f"--- shown ---\n{normalise(example.output)}\n--- real ---\n{normalise(actual)}"
    )


def test_the_readme_has_examples_to_check() -> None:
    found = _examples()
    assert len(found) >= 20
    assert any("keys create" in e.command for e in found)
    assert any("ingest fixtures/crawl-sample.jsonl" in e.command for e in found)


def test_the_wildcard_matches_only_what_it_should() -> None:
    shown = Example(1, "curl", 'HTTP/1.1 200 OK\n…\n\n{"id":1,…}')
    assert shown.matches('HTTP/1.1 200 OK\r\ndate: x\r\netag: "y"\r\n\r\n{"id":1,"a":2}\n')
    assert not shown.matches('HTTP/1.1 404 Not Found\r\n\r\n{"id":1}')
    assert not shown.matches('HTTP/1.1 200 OK\n\n{"id":2}')
