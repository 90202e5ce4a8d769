"""Person names in running text: finding them, and folding their forms into one speaker."""

from __future__ import annotations

import re
from collections.abc import Iterable

from api.ingest.model import Speaker

# A capitalised word or an initial ("Putin", "O'Neill", "J."): the capital is factored out
# of the two, so the pattern opens with a character set the engine scans for in C.
NAME_WORD = r"[A-Z](?:[a-zà-ÿ]+(?:[-'’][A-Za-zà-ÿ]+)*|\.)"
NAME_RUN = re.compile(rf"{NAME_WORD}(?:\s+(?:van|von|de|der|bin|al|{NAME_WORD}))*")
TITLES = frozenset(
    (
        "Prof Professor Dr Mr Mrs Ms Miss Sir Lady Lord Maj Gen General Col Capt Lt Sgt "
        "President Chancellor Premier Minister Senator Sen Rep Judge Justice Father Pope King "
        "Queen Prince Princess Mayor Governor Secretary Chairman Chief Director Editor"
    ).split()
)
NOT_NAMES = frozenset(
    (
        "The A An And But Or So Yet In On At Of For From To By With As If When While After "
        "Before Then This That These Those There Here It Its He She They We I You His Her "
        "Their Our My Your Some Many Most All One Two Among Initially Now Yes No Even Still "
        "Also Just"
    ).split()
)


def clean_name(raw: str) -> str | None:
    """A bare personal name from a run of capitalised words, or None.

    Possessives and titles in front are dropped: "Russia's President Putin" → "Putin",
    "Prof Karen Dawisha" → "Karen Dawisha".
    """
    words = raw.split()
    while words and (
        words[0] in TITLES or words[0] in NOT_NAMES or words[0].endswith(("'s", "’s"))
    ):
        words = words[1:]
    if not words or words[-1].endswith(("'s", "’s")):
        return None
    return " ".join(words)


def last_name_in(text: str) -> str | None:
    """The last person-like capitalised run of `text` ("his wife Ludmila" → "Ludmila")."""
    found = None
    for m in NAME_RUN.finditer(text):
        name = clean_name(m.group(0))
        if name:
            found = name
    return found


def first_name_in(text: str) -> str | None:
    """The capitalised run that opens `text`, as a name ("Prof Karen Dawisha of …")."""
    m = NAME_RUN.match(text.lstrip())
    return clean_name(m.group(0)) if m else None


def fold_speakers(names: Iterable[str], mentions: Iterable[str]) -> dict[str, Speaker]:
    """Map every name form to one Speaker per person, grouped by surname.

    `names` are the forms used in attributions; `mentions` are other capitalised runs of the
    text, which add aliases ("Russia's President Putin") but never new people.
    """
    by_surname: dict[str, set[str]] = {}
    for name in names:
        by_surname.setdefault(name.split()[-1], set()).add(name)
    for mention in mentions:
        words = mention.split()
        if words and words[-1] in by_surname and len(words) > 1:
            by_surname[words[-1]].add(mention)
    out: dict[str, Speaker] = {}
    for forms in by_surname.values():
        bare = [f for f in forms if clean_name(f) == f]
        full = max(bare or forms, key=lambda f: (len(f.split()), len(f)))
        speaker = Speaker(full, tuple(sorted(forms)))
        for form in forms:
            out[form] = speaker
    return out
