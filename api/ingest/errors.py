"""Errors raised for pages that cannot be parsed."""

from __future__ import annotations


class PageError(ValueError):
    """A page is malformed; `line` is 1-based when the fault has a place."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        super().__init__(f"line {line}: {reason}" if line is not None else reason)
