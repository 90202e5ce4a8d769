"""Building regular expressions that Python's engine runs fast. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence


def alternation(words: Sequence[str]) -> str:
    """A pattern matching exactly one of `words`, factored by shared prefixes ("sa(?:ys|id)"),
    so a position is tried against a few letters rather than every word. The order of the
    alternatives is not kept: only for words of which no two can match at one place (whole
    words between boundaries), or where any match will do (a lookahead)."""
    if "" in words:
        rest = [w for w in words if w]
        return f"(?:{alternation(rest)})?" if rest else ""
    heads: dict[str, list[str]] = {}
    for word in words:
        heads.setdefault(word[0], []).append(word[1:])
    branches = [re.escape(head) + alternation(tails) for head, tails in sorted(heads.items())]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def whole_word(words: Sequence[str]) -> str:
    """A pattern matching what `\\b(?:w1|w2|...)\\b` matches, for `words` that each open with a
    word character and of which no two can match at one place, written for the engine's
    first-character scan: each branch opens with its word's first letter (so the scan skips
    every other position in C), and the boundary before it is a lookbehind after that letter
    (the character before the letter is not a word character)."""
    heads: dict[str, list[str]] = {}
    for word in words:
        heads.setdefault(word[0], []).append(word[1:])
    branches = [
        re.escape(head) + r"(?<!\w.)" + alternation(tails) for head, tails in sorted(heads.items())
    ]
    return "(?:" + "|".join(branches) + r")\b"
