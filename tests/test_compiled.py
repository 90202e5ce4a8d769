"""The parser as installed: compiled by mypyc (setup.py) unless THREADBASE_PURE says not, and
a warning when a compiled module is older than its source (the change would go unseen).

(The checkout's own extensions are current whenever this runs: were one stale, importing the
parser would have warned, an error under pytest, before any test ran.)"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

import api.ingest.quotes
import api.ingest.renderings.generic
import api.ingest.replies
import api.ingest.times
from api.ingest import compiled, stale_sources
from api.ingest.page import parse_page

ROOT = Path(__file__).resolve().parent.parent
HOT = [api.ingest.times, api.ingest.renderings.generic, api.ingest.replies, api.ingest.quotes]


@pytest.mark.skipif(bool(os.environ.get("THREADBASE_PURE")), reason="installed uncompiled")
def test_the_parsing_modules_are_compiled() -> None:
    assert [m.__name__ for m in HOT if not compiled(m)] == []
    assert not compiled(api.ingest.page)  # left interpreted (see setup.py)
    page = parse_page("A title\n\nA paragraph.\n\nAnn says:\nMay 5, 2012 at 9:01 am\nHello there.")
    assert [c.author for c in page.comments] == ["Ann"]


def test_a_source_newer_than_its_extension_or_gone_is_stale(tmp_path: Path) -> None:
    suffix = EXTENSION_SUFFIXES[0]
    (tmp_path / "inner").mkdir()
    for name in ("fresh", "edited", "inner/edited_too"):
        (tmp_path / f"{name}.py").write_text("X = 1\n")
        (tmp_path / f"{name}{suffix}").write_bytes(b"")
    (tmp_path / "plain.py").write_text("X = 1\n")  # never compiled
    (tmp_path / f"deleted{suffix}").write_bytes(b"")  # its module is gone
    (tmp_path / f"fresh__mypyc{suffix}").write_bytes(b"")  # mypyc's own, beside "fresh"
    for name, (source, built) in {
        "fresh": (100, 200),
        "edited": (300, 200),
        "inner/edited_too": (300, 200),
        "plain": (300, 300),
    }.items():
        os.utime(tmp_path / f"{name}.py", (source, source))
        if name != "plain":
            os.utime(tmp_path / f"{name}{suffix}", (built, built))
    assert stale_sources(tmp_path) == [
        tmp_path / "deleted.py",
        tmp_path / "edited.py",
        tmp_path / "inner/edited_too.py",
    ]


def test_a_checkout_with_a_stale_module_warns_on_import(tmp_path: Path) -> None:
    """A copy of the checkout's package, one module's source then touched: importing it
    warns, naming the module."""
    tree = tmp_path / "checkout"
    (tree / "api").mkdir(parents=True)
    (tree / "pyproject.toml").write_text("")
    (tree / "api" / "__init__.py").write_text("")
    package = tree / "api" / "ingest"
    package.mkdir()
    (package / "__init__.py").write_bytes((ROOT / "api" / "ingest" / "__init__.py").read_bytes())
    suffix = EXTENSION_SUFFIXES[0]
    (package / "times.py").write_text("X = 1\n")
    (package / f"times{suffix}").write_bytes(b"")
    os.utime(package / f"times{suffix}", (100, 100))
    script = "import warnings; warnings.simplefilter('error'); import api.ingest"
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=tree, capture_output=True, text=True, check=False
    )
    assert run.returncode == 1
    assert "RuntimeWarning: api/ingest/times.py: changed or deleted since compiled" in run.stderr
    os.utime(package / f"times{suffix}", None)  # built again: newer than its source
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=tree, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
