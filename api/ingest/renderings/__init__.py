"""Comment renderings: how a site lays out its reader comments, one small module each.

The contract (Pygments' lexers are the model). A rendering is a module with
- `NAME: str` — its label (`drupal`, `wordpress`, ...), stored as the article's
  `comment_rendering`;
- `detect(lines) -> float` — how sure it is, 0.0 (not this rendering) to 1.0 (certain), from
  the page's lines (normalised: LF, trailing spaces off, leading spaces kept);
- `split(lines) -> Section | None` — the comment section: where it starts and ends and each
  `RawComment` (author, posted text as shown, body, kind, and the reply evidence the page
  states). None when it finds no comment.

Both are pure and linear in the page's size. `choose` asks every rendering in RENDERINGS and
takes the best score whose split finds comments (earlier in the tuple wins a tie); `generic`
is last and scores low, so a named rendering beats it whenever both read the page. To add a
rendering: write the module (the helpers in `shapes` do most of the work), add it to
RENDERINGS, and add a page that shows it to the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from api.ingest.renderings import blogger, disqus, drupal, generic, slashdot, typepad, wordpress
from api.ingest.renderings.base import CommentKind, RawComment, Rendering, Section

RENDERINGS: tuple[Rendering, ...] = (
    drupal,
    slashdot,
    wordpress,
    blogger,
    typepad,
    disqus,
    generic,
)

__all__ = [
    "RENDERINGS",
    "Choice",
    "CommentKind",
    "RawComment",
    "Rendering",
    "Section",
    "choose",
    "scores",
]


@dataclass(frozen=True, slots=True)
class Choice:
    """The rendering that read the page, its score, and the best of the others."""

    name: str
    score: float
    section: Section
    runner_up: tuple[str, float] | None


def scores(lines: Sequence[str]) -> list[tuple[float, str, Rendering]]:
    """Every rendering's score, best first (ties keep RENDERINGS order)."""
    ranked = [(r.detect(lines), i, r) for i, r in enumerate(RENDERINGS)]
    ranked.sort(key=lambda t: (-t[0], t[1]))
    return [(score, r.NAME, r) for score, _, r in ranked]


def choose(lines: Sequence[str]) -> Choice | None:
    """The best-scoring rendering that finds comments on the page, or None."""
    ranked = [t for t in scores(lines) if t[0] > 0]
    for index, (score, name, rendering) in enumerate(ranked):
        section = rendering.split(lines)
        if section is None or not section.comments:
            continue
        others = [(n, s) for s, n, _ in ranked[:index] + ranked[index + 1 :]]
        return Choice(name, score, section, others[0] if others else None)
    return None
