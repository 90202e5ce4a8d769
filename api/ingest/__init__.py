"""Parsing crawled pages: the article, its quotes and its comment threads (`page.parse_page`).

An install compiles most of these modules with mypyc (see setup.py), building each extension
beside its source. In a checkout, importing the package warns when a module changed after
it was compiled: Python imports the extension, so the change would go unseen until `make`
(or `pip install -e .`) builds it again.
"""

from __future__ import annotations

import warnings
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path


def stale_sources(root: Path) -> list[Path]:
    """The modules under `root` changed since their extension was built."""
    stale: set[Path] = set()
    for suffix in EXTENSION_SUFFIXES:
        for built in root.rglob("*" + suffix):
            source = built.with_name(built.name.removesuffix(suffix) + ".py")
            if source.is_file() and source.stat().st_mtime > built.stat().st_mtime:
                stale.add(source)
    return sorted(stale)


_HERE = Path(__file__).resolve().parent
if (_HERE.parent.parent / "pyproject.toml").is_file() and (_stale := stale_sources(_HERE)):
    warnings.warn(
        f"{', '.join(str(p.relative_to(_HERE.parent.parent)) for p in _stale)}: changed since "
        "compiled; Python imports the compiled module, which lacks the change. Run `make` (or "
        "`pip install -e .`) to compile again",
        RuntimeWarning,
        stacklevel=2,
    )
