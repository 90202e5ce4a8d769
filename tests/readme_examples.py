"""Examples in README.md: the commands of its ```console blocks and the output each shows.

A console block holds commands (`$ ` lines, continued by a trailing backslash) each followed by
its output. In the shown output `…` stands for any text (elided headers, times, keys). Other
blocks (```sh, ```json) are descriptions, not examples, and are not run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FENCE = re.compile(r"^```(\S*)\s*$")
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Example:
    """One command as the README shows it, with its expected output."""

    line: int  # 1-based line of the `$ ` in README.md
    command: str
    output: str

    def matches(self, actual: str) -> bool:
        """Whether `actual` is the shown output, `…` matching any text."""
        return pattern(self.output).fullmatch(normalise(actual)) is not None


def pattern(expected: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in normalise(expected).split(ELLIPSIS)]
    return re.compile(".*?".join(parts), re.DOTALL)


def normalise(text: str) -> str:
    """CRLF to LF, no-break spaces as spaces (a README cannot show them), no trailing spaces,
    no leading or trailing blank lines."""
    text = text.replace("\r\n", "\n").replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def examples(markdown: str) -> list[Example]:
    """Every command of every console block, in order."""
    found: list[Example] = []
    lines = markdown.splitlines()
    in_console = False
    block: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        fence = FENCE.match(line)
        if fence and not in_console and fence.group(1) == "console":
            in_console, block = True, []
        elif fence and in_console:
            found += _split(block)
            in_console = False
        elif fence:  # another kind of block: skip to its end
            in_console = False
        elif in_console:
            block.append((number, line))
    return found


def _split(block: list[tuple[int, str]]) -> list[Example]:
    out: list[Example] = []
    i = 0
    while i < len(block):
        number, line = block[i]
        if not line.startswith("$ "):
            raise ValueError(f"README.md:{number}: output before any `$ ` command: {line!r}")
        command = [line[2:]]
        while command[-1].endswith("\\") and i + 1 < len(block):
            i += 1
            command.append(block[i][1])
        i += 1
        output: list[str] = []
        while i < len(block) and not block[i][1].startswith("$ "):
            output.append(block[i][1])
            i += 1
        out.append(Example(number, "\n".join(command), "\n".join(output)))
    return out
