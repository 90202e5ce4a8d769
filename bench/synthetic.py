"""Deterministic synthetic pages in the seed's format, with realistic reply trees."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

FIRST = ["Anna", "Boris", "Chen", "Dara", "Emil", "Fatima", "Georg", "Hana", "Ivan", "Jo"]
LAST = ["Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi"]
HANDLES = [
    "nmewn",
    "order66",
    "TeethVillage88s",
    "Endgame Napoleon",
    "mary mary",
    "Art Van Delay",
    "LetThemEatRand",
    "the French bitch",
    "dltff-ya",
    "Implied Violins",
    "Frederico",
    "07564111",
]
WORDS = (
    "the people market power government policy history war peace money trade leader country "
    "freedom law truth media news story city border economy vote future culture reform "
    "energy oil bank debt tax spy archive network crowd wall train interview book film"
).split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def page(seed: int, comments: int, *, start: datetime | None = None) -> str:
    """A page with a titled article (quotes with speakers) and `comments` comments."""
    rng = random.Random(seed)
    start = start or datetime(2017, 6, 18, 18, 0) + timedelta(hours=seed % 5000)
    speakers = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(3)]
    lines = [f"Report {seed}: {sentence(rng, 6)[:-1]}", ""]
    for section in range(rng.randint(1, 3)):
        if section:
            lines += ["* * *", ""]
        for _ in range(rng.randint(2, 6)):
            speaker = rng.choice(speakers)
            roll = rng.random()
            if roll < 0.3:
                text = f'"{sentence(rng, 10)[:-1]}," says {speaker}. {sentence(rng, 12)}'
            elif roll < 0.45:
                text = f'{speaker} said the plan was "{sentence(rng, 5)[:-1]}".'
            else:
                text = " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(3))
            lines += [text, ""]
    # Build the tree in time order, then render it depth first as threaded pages do.
    authors: list[str] = []
    times: list[datetime] = []
    children: dict[int | None, list[int]] = {}
    when = start
    for index in range(comments):
        when += timedelta(minutes=rng.randint(0, 9))
        parent = rng.randrange(index) if index and rng.random() < 0.7 else None
        authors.append(rng.choice(HANDLES))
        times.append(when)
        children.setdefault(parent, []).append(index)
    order: list[int] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(reversed(children.get(node, [])))
    parents = {child: parent for parent, kids in children.items() for child in kids}
    for index in order:
        parent = parents[index]
        names = authors[index] if parent is None else f"{authors[index]} {authors[parent]}"
        lines += [f"{names} {times[index]:%a, %m/%d/%Y - %H:%M} Permalink", ""]
        lines += [sentence(rng, rng.randint(5, 40)), ""]
        if parent is not None:
            lines += [f"In reply to by {authors[parent]}", ""]
    return "\n".join(lines)
