"""Builds the parser (`api/ingest`) into C extensions with mypyc, from its own typed source.

Parsing is Threadbase's one CPU-bound task (`threadbase ingest` of a crawl). Compiled, the same
modules parse with about a sixth fewer instructions and in about four fifths of the time,
with the same results (see BENCHMARKS.md). The `.py` files stay the source of truth: an
editable install builds the extensions beside them, `make` deletes and builds them again
whenever a parser module changes, and `api.ingest` warns when one is older than its source.

`THREADBASE_PURE=1` installs without compiling. Where mypyc stops (a type error in a parser
module: `make test`'s mypy names it) or no C compiler is found, the install goes on with the
pure modules, just slower (each extension is optional).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import Extension, setup

PACKAGE = Path("api/ingest")
# Left interpreted:
# - `model`: the parsed page's dataclasses, whose annotations msgspec reads to pack a page
#   between processes (it misread those of the compiled classes: "Expected `type`").
# - `errors` and `packed`: what crosses between parser processes by pickle; nothing to speed up.
# - `page`: `bench.parsing_rate` times each stage by wrapping the functions `parse_page`
#   calls, which a compiled caller would call directly.
# - `renderings/scan`: generic over str and bytes (AnyStr), which mypyc does not compile.
# - the packages' `__init__` modules.
INTERPRETED = {"model.py", "errors.py", "packed.py", "page.py", "renderings/scan.py"}


def compiled_sources() -> list[str]:
    """The parser modules built into extensions."""
    return sorted(
        str(path)
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py" and path.relative_to(PACKAGE).as_posix() not in INTERPRETED
    )


def extensions() -> list[Extension]:
    if os.environ.get("THREADBASE_PURE"):
        return []
    from mypyc.build import mypycify

    try:
        # One extension per module (`separate`), so that the build compiles them on every core.
        built: list[Extension] = mypycify(compiled_sources(), opt_level="3", separate=True)
    except (Exception, SystemExit) as exc:  # mypyc type-checks first, and exits on an error
        print(f"the parser is installed uncompiled: mypyc stopped ({exc!r})", file=sys.stderr)
        return []
    for extension in built:
        extension.optional = True  # no C compiler: the pure modules, slower
    return built


setup(ext_modules=extensions(), options={"build_ext": {"parallel": os.cpu_count() or 1}})
