"""Comment renderings: how a site lays out its reader comments, one small module each.

The contract (Pygments' lexers are the model). A rendering is a module with
- `NAME: str` — its label (`drupal`, `wordpress`, ...), stored as the article's
  `comment_rendering`;
- `detect(lines) -> float` — how sure it is, 0.0 (not this rendering) to 1.0 (certain), from
  the page's lines (normalised: LF, trailing spaces off, leading spaces kept);
- `CEILING: float` — the most `detect` ever answers;
- `split(lines) -> Section | None` — the comment section: where it starts and ends and each
  `RawComment` (author, posted text as shown, body, kind, and the reply evidence the page
  states). None when it finds no comment.

Both are pure and linear in the page's size. `choose` asks every rendering in RENDERINGS and
takes the best score whose split finds comments (earlier in the tuple wins a tie); `generic`
is last and scores low, so a named rendering beats it whenever both read the page. When the
runner-up is not wanted, `choose` skips the detection of renderings whose CEILING a rendering
that already read the page outscores (they could not have won). To add a
rendering: write the module (the helpers in `shapes` do most of the work), add it to
RENDERINGS, and add a page that shows it to the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from api.ingest.renderings import blogger, disqus, drupal, generic, slashdot, typepad, wordpress
from api.ingest.renderings.base import CommentKind, RawComment, Rendering, Section

# Renderings that never score above this are only asked when no surer one reads the page
# (see `choose`).
LOW_CEILING = 0.3
RENDERINGS: tuple[Rendering, ...] = (
    drupal,
    slashdot,
    wordpress,
    blogger,
    typepad,
    disqus,
    generic,
)

# RENDERINGS indexes, surest first (by CEILING; a tie keeps RENDERINGS order): those that may
# score above LOW_CEILING, and the others.
_BY_CEILING = sorted(range(len(RENDERINGS)), key=lambda i: (-RENDERINGS[i].CEILING, i))
_SURE = [i for i in _BY_CEILING if RENDERINGS[i].CEILING > LOW_CEILING]
_UNSURE = [i for i in _BY_CEILING if RENDERINGS[i].CEILING <= LOW_CEILING]

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
    return _ranked(lines, {})


def _ranked(lines: Sequence[str], known: dict[int, float]) -> list[tuple[float, str, Rendering]]:
    """`scores`, taking the scores of `known` (RENDERINGS index -> score) as already read."""
    ranked = [(known[i] if i in known else r.detect(lines), i, r) for i, r in enumerate(RENDERINGS)]
    ranked.sort(key=lambda t: (-t[0], t[1]))
    return [(score, r.NAME, r) for score, _, r in ranked]


def choose(lines: Sequence[str], *, runner_up: bool = True) -> Choice | None:
    """The best-scoring rendering that finds comments on the page, or None. Without
    `runner_up` the choice is the same but its `runner_up` is None, and renderings are asked
    surest first (by CEILING): a rendering that reads the page is taken as soon as none of
    those not asked yet could outrank it, and the renderings that never score above
    LOW_CEILING are asked only when no rendering scoring above it reads the page (they rank
    below every such one, so they could not be chosen), surest first in turn (the generic
    reader's recurring meta lines settle most such pages before Disqus's name lines are
    looked for)."""
    known: dict[int, float] = {}
    tried: set[str] = set()  # renderings already split, finding no comment
    if not runner_up:
        # The sure renderings, then the others (those scoring above LOW_CEILING outrank every
        # one of these), each group surest first.
        for floor, group in ((LOW_CEILING, _SURE), (0.0, _UNSURE)):
            for step, i in enumerate(group):
                known[i] = RENDERINGS[i].detect(lines)
                chosen = _split_settled(lines, known, group[step + 1 :], tried, floor)
                if chosen is not None:
                    return chosen
        return None  # every rendering was asked, and each that scored was split
    ranked = [t for t in _ranked(lines, known) if t[0] > 0]
    for index, (score, name, rendering) in enumerate(ranked):
        section = None if name in tried else rendering.split(lines)
        if section is None or not section.comments:
            continue
        others = [(n, s) for s, n, _ in ranked[:index] + ranked[index + 1 :]]
        return Choice(name, score, section, others[0] if others and runner_up else None)
    return None


def _outranks(score: float, index: int, other: int) -> bool:
    """Whether a rendering scoring `score` ranks above RENDERINGS[other] whatever that one
    scores (at most its CEILING; a tie goes to the earlier in RENDERINGS)."""
    ceiling = RENDERINGS[other].CEILING
    return score > ceiling or (score == ceiling and index < other)


def _split_settled(
    lines: Sequence[str],
    known: dict[int, float],
    unasked: list[int],
    tried: set[str],
    floor: float,
) -> Choice | None:
    """The first, best first, of the renderings scored so far (`known`, above `floor`) that
    reads the page, among those no `unasked` rendering could outrank; each split that finds
    no comment is added to `tried`."""
    for i in sorted(known, key=lambda i: (-known[i], i)):
        rendering = RENDERINGS[i]
        if known[i] <= floor:
            break
        if rendering.NAME in tried:
            continue
        if not all(_outranks(known[i], i, j) for j in unasked):
            break  # a rendering not asked yet may rank above it
        section = rendering.split(lines)
        if section is not None and section.comments:
            return Choice(rendering.NAME, known[i], section, None)
        tried.add(rendering.NAME)
    return None
