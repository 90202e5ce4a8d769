"""Parsing crawled pages: the article, its quotes and its comment threads (`page.parse_page`).

An install compiles most of these modules with mypyc (see setup.py), building each extension
beside its source. In a checkout, importing the package warns when a module changed (or was
deleted) after it was compiled: Python imports the extension, so the change would go unseen
until `make` builds the extensions again.
"""

from __future__ import annotations

import warnings
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from types import ModuleType


def compiled(module: ModuleType) -> bool:
    """Whether `module` was imported from an extension (compiled) rather than its source."""
    return (module.__file__ or "").endswith(tuple(EXTENSION_SUFFIXES))


def stale_sources(root: Path) -> list[Path]:
    """The modules under `root` whose source changed, or is gone, since their extension was
    built (mypyc's own libraries beside them, `NAME__mypyc`, have no source of their own)."""
    stale = []
    for built in root.rglob("*"):
        # The longest suffix first (".cpython-311-x86_64-linux-gnu.so" before ".so").
        suffix = next((s for s in EXTENSION_SUFFIXES if built.name.endswith(s)), None)
        if suffix is None or (module := built.name.removesuffix(suffix)).endswith("__mypyc"):
            continue
        source = built.with_name(module + ".py")
        if not source.is_file() or source.stat().st_mtime > built.stat().st_mtime:
            stale.append(source)
    return sorted(stale)


_HERE = Path(__file__).resolve().parent
if (_HERE.parent.parent / "pyproject.toml").is_file() and (_stale := stale_sources(_HERE)):
    warnings.warn(
        f"{', '.join(str(p.relative_to(_HERE.parent.parent)) for p in _stale)}: changed or "
        "deleted since compiled; Python imports the compiled module, which lacks the change. "
        "Run `make` to compile again",
        RuntimeWarning,
        stacklevel=2,
    )
