"""The renderings' cheap line tests pass every line their full tests could match."""

from __future__ import annotations

import random
import re
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path

from api.evaluation.pages import strip_marker
from api.ingest.model import ParsedComment
from api.ingest.page import _annotate_comments, normalise
from api.ingest.quotes import VERB, VERBS, _narration, _normal
from api.ingest.renderings import LOW_CEILING, RENDERINGS, choose, disqus
from api.ingest.renderings.generic import WORDS, time_lines, word_shapes
from api.ingest.renderings.said import verb_lines
from api.ingest.renderings.scan import digit_lines, lines_holding, lines_starting
from api.ingest.renderings.shapes import AVATAR, CHROME, UI_TOKEN, UI_WORDS, is_chrome, is_ui
from api.ingest.replies import QUOTED, VOCATIVE, _vocative, reply_header
from api.ingest.spans import _singles, quote_spans
from api.ingest.speakers import NAME_RUN
from api.ingest.times import ASCII_TOKEN, STARTS, TOKEN, _ascii_tokens, find_time
from api.intake.loader import read_text

PIECES = ["say", "SAYS", "Said", "sAiD", "wrote", "WROTE", "added", "ADDed", "saİd", "\u017fays"]
FILLER = ["x", " ", "Kelvin \u212a", "İ", "s", "a", "pts", "3 points", "\t", "é", ":"]


def _line(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES if rng.random() < 0.2 else FILLER) for _ in range(6))


def test_verb_lines_are_the_lines_whose_lowercase_holds_a_verb() -> None:
    rng = random.Random(7)
    lines = [_line(rng) for _ in range(3_000)]
    verbs = ("say", "said", "wrote", "added")
    expected = [i for i, line in enumerate(lines) if any(v in line.lower() for v in verbs)]
    assert verb_lines(lines) == expected
    assert 0 < len(expected) < len(lines)


def test_points_are_only_looked_for_on_lines_that_can_end_with_them() -> None:
    rng = random.Random(8)
    units = ["pt", "PTS", "points", "Point\u017f", "pt\u017f", "pTs", "pointz"]
    for _ in range(2_000):
        text = f"Ann {rng.randint(0, 99)} {rng.choice(units)}"
        if disqus.POINTS.search(text) is not None:
            assert text[-1:] in disqus.POINTS_LAST, text


def test_time_lines_are_the_lines_find_time_looks_at() -> None:
    rng = random.Random(9)
    pieces = ["3", "٣", "TODAY", "yesterDay", "toda", "Yesterda y", "İ", "x", " "]
    lines = ["".join(rng.choice(pieces) for _ in range(4)) for _ in range(3_000)]
    expected = [
        i
        for i, line in enumerate(lines)
        if any(c.isdigit() for c in line) or "yesterday" in line.lower() or "today" in line.lower()
    ]
    assert time_lines(lines) == expected
    assert 0 < len(expected) < len(lines)


def test_the_time_tokens_lookahead_turns_away_no_token() -> None:
    plain = re.compile(TOKEN.pattern.removeprefix(STARTS), TOKEN.flags)
    assert plain.pattern != TOKEN.pattern
    rng = random.Random(10)
    pieces = [
        "Mon",
        "\u017fat",
        "SEPT",
        "may",
        "12",
        "3:04",
        "@",
        "pm",
        " ",
        "ago",
        "2 days",
        "TODAY",
        "yesterday",
        "/",
        "-",
        ".",
        "2012",
        "x",
        ", ",
        "th",
        "UTC",
        "ET",
        "İ",
    ]
    for _ in range(3_000):
        text = "".join(rng.choice(pieces) for _ in range(8))
        spans = [m.span() for m in TOKEN.finditer(text)]
        assert spans == [m.span() for m in plain.finditer(text)], text


def test_the_ascii_time_tokens_are_the_time_tokens_on_ascii_lines() -> None:
    rng = random.Random(11)
    pieces = ["Sun", "MAY", "12", "3:04", "@", " PM", " ", "\t", "\x1c", "\x1f", "\x0b", "ago"]
    pieces += ["2 days", "Today", "/", "-", ".", "2012", "k", "s", "_", ", ", "th", "UTC", "EST"]
    for _ in range(3_000):
        text = "".join(rng.choice(pieces) for _ in range(8))
        spans = [m.span() for m in TOKEN.finditer(text)]
        if "\x1c" not in text and "\x1f" not in text:
            assert spans == [m.span() for m in ASCII_TOKEN.finditer(text)], text
    # Separator controls are whitespace only to Unicode's classes: such a line is read so.
    assert find_time("May\x1c12, 2012") == (0, 12)


def test_the_ascii_time_tokens_are_tried_only_where_one_may_open() -> None:
    rng = random.Random(12)
    pieces = ["Sun", "mAY", "12", "3:04", "@", " PM", " ", "\t", "ago", "2 days", "Today", "/"]
    pieces += ["-", ".", "2012", "9", "s", "t", "a", "y", ", ", "th", "UTC", "EST", "Poe24"]
    pieces += ["October 2012", "yesterday", "monday", "octopus", "mayday", "(", ")", "#1"]
    for _ in range(5_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        spans = [m.span() for m in ASCII_TOKEN.finditer(text)]
        assert [m.span() for m in _ascii_tokens(text)] == spans, text


def test_the_chrome_shortcut_turns_away_no_line_the_pattern_matches() -> None:
    rng = random.Random(13)
    pieces = ["Leave a Reply", "\u017fubscribe to comments", "© 2012", "POWERED BY", "Older posts"]
    pieces += ["Newer comments", "view all comments", "1", "_", "-", "• ", "  ", "x", "İ", "é"]
    pieces += ["\u212a", "ß", "Email (required)", "Comments are closed", "tRACKBACK URL", "(", "@"]
    for _ in range(5_000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))
        text = line.strip()
        full = bool(text) and CHROME.match(text) is not None and len(text.split()) <= 16
        assert is_chrome(line) == (full and len(text) <= 160), line


DRAGNET = Path(__file__).parent.parent / "fixtures" / "dragnet"
# Slashdot bylines it scores high on but cannot split (a tab after "by"), above dated comments.
UNSPLIT = "\n".join(
    ["A Title", "", "Some words of the article.", ""]
    + [f"by\tAnn Lee ({n})" for n in range(10, 13)]
    + ["", "Comments", ""]
    + [f"Bo Day {d} May 2012 10:0{d}\n\nA comment of day {d}.\n" for d in range(1, 5)]
)


def _sample_lines() -> list[list[str]]:
    texts = [strip_marker(read_text(p))[0] for p in sorted(DRAGNET.glob("*.txt"))]
    texts.append(UNSPLIT)
    return [normalise(text).split("\n") for text in texts]


def test_no_rendering_scores_above_its_ceiling() -> None:
    for lines in _sample_lines():
        for rendering in RENDERINGS:
            assert 0.0 <= rendering.detect(lines) <= rendering.CEILING


def test_choosing_without_the_runner_up_chooses_the_same() -> None:
    """The shortcut (low-ceiling renderings asked last) agrees with asking every rendering."""
    fell_back = 0
    for lines in _sample_lines():
        full = choose(lines)
        quick = choose(lines, runner_up=False)
        assert quick == (None if full is None else replace(full, runner_up=None))
        fell_back += full is not None and full.score <= LOW_CEILING
    assert fell_back
    assert choose(normalise(UNSPLIT).split("\n"), runner_up=False) is not None


def _singles_mark_by_mark(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Single-quoted spans read one mark at a time, each mark's neighbours tested."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for i in range(lo, min(hi, len(text))):
        ch = text[i]
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opens = (before in " \t\n([{—–-:;/" or before in '"“') and after.isalnum()
        closes = not before.isspace() and not after.isalnum()
        if start is None and ch in "'‘" and opens:
            start = i + 1
        elif start is not None and ch in "'’" and closes and i > start:
            spans.append((start, i))
            start = None
    return spans


def test_single_quote_searches_agree_with_reading_each_mark() -> None:
    rng = random.Random(11)
    pieces = ["'", "‘", "’", '"', "“", "a", "é", "٣", "_", " ", "\t", "\n", "(", "-", ".", "x y"]
    for _ in range(3_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        lo = rng.randint(0, len(text))
        hi = rng.randint(lo, len(text))
        found = [(s.start, s.end) for s in _singles(text, lo, hi, False)]
        assert found == _singles_mark_by_mark(text, lo, hi), (text, lo, hi)


def test_narration_blanks_exactly_the_quoted_characters() -> None:
    rng = random.Random(12)
    for _ in range(500):
        text = "".join(rng.choice("ab“” '") for _ in range(rng.randint(0, 30)))
        spans = quote_spans(text)
        expected = "".join(
            " " if any(s.start <= i < s.end for s in spans) else c for i, c in enumerate(text)
        )
        assert _narration(text, spans) == expected


def test_the_factored_verb_pattern_finds_what_the_plain_alternation_finds() -> None:
    plain = re.compile(rf"\b(?:{VERBS})\b")
    assert plain.pattern != VERB.pattern
    rng = random.Random(13)
    pieces = [*VERBS.split("|"), "recal", "sa", "s", "ed", "it", " ", ", ", "x", "_", "é", "."]
    for _ in range(3_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert [m.span() for m in VERB.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ], text


def test_the_factored_name_run_finds_what_the_plain_alternation_finds() -> None:
    word = r"(?:[A-Z][a-zà-ÿ]+(?:[-'’][A-Za-zà-ÿ]+)*|[A-Z]\.)"
    plain = re.compile(rf"{word}(?:\s+(?:van|von|de|der|bin|al|{word}))*")
    assert plain.pattern != NAME_RUN.pattern
    rng = random.Random(16)
    pieces = ["Ann", "J.", "J", "van", "O'Neill", "Zoë-", "é", " ", "\n", ".", "x", "Al", "'s", "ß"]
    for _ in range(3_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert [m.group(0) for m in NAME_RUN.finditer(text)] == [
            m.group(0) for m in plain.finditer(text)
        ], text


def test_normal_words_agree_with_the_word_pattern() -> None:
    rng = random.Random(14)
    pieces = ["Ab", "c", "_", "9", " ", "\t", "-", "'", "é", "\u212a", "٣", "ß", "İ", "\n", "!"]
    for _ in range(3_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert _normal(text) == " ".join(re.findall(r"\w+", text.lower())), text


def test_lines_holding_are_the_lines_that_hold_a_needle() -> None:
    rng = random.Random(15)
    pieces = ["by", "b", "y ", "Re:", "(", "SAID", "İ", "\u212a", "ς", "Σ", "x", " ", "٣", "7", ""]
    pieces += ["É", "\u017fa", "I"]
    for _ in range(300):
        lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 5))) for _ in range(9)]
        # (a page without "İ" or the Kelvin sign is searched in bytes, lowercasing ASCII alone)
        for needles in (("by",), ("(", "Re:"), ("said", "y "), ("k",), ("i",), ("é", "sa")):
            assert lines_holding(lines, needles) == [
                i for i, line in enumerate(lines) if any(n in line for n in needles)
            ]
            assert lines_holding(lines, needles, lower=True) == [
                i for i, line in enumerate(lines) if any(n in line.lower() for n in needles)
            ]
        assert digit_lines(lines) == [i for i, line in enumerate(lines) if re.search(r"\d", line)]


def test_lines_starting_are_the_lines_a_pattern_opening_so_matches() -> None:
    """Every line `^\\s*by` matches (what slashdot's header opens with) is found, whatever
    whitespace opens it, and no other line."""
    rng = random.Random(16)
    pieces = ["by", "b", "y", " ", "\t", "\x0c", "\x85", "\u2003", "\u3000", "x", "(", ""]
    for _ in range(500):
        lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 5))) for _ in range(9)]
        assert lines_starting(lines, "by") == [
            i for i, line in enumerate(lines) if re.match(r"\s*by", line)
        ], lines


def test_annotating_comments_keeps_every_other_field() -> None:
    """_annotate_comments builds each comment anew (no dataclasses.replace): nothing is lost."""
    comment = ParsedComment(
        position=3,
        author="Ann",
        author_verified=False,
        posted_at=datetime(2012, 1, 2, tzinfo=UTC),
        body='Bo said "a long enough quotation here" at http://example.com/x',
        parent_author="Bo",
        parent_author_verified=False,
        posted_text="Jan 2, 2012",
        kind="trackback",
        parent_position=1,
    )
    (annotated,) = _annotate_comments([comment], {})
    assert annotated.quotes
    assert annotated.links
    for f in fields(ParsedComment):
        if f.name not in {"quotes", "links"}:
            assert getattr(annotated, f.name) == getattr(comment, f.name), f.name


def test_the_vocative_shortcut_turns_away_no_body_the_pattern_matches() -> None:
    rng = random.Random(17)
    pieces = ["Ann", " ", "  ", "\t", "\n", ",", ":", " -", "—", "–", "x" * 12, "é", "\u2003", "-"]
    matched = 0
    for _ in range(5_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        full = VOCATIVE.match(text)
        quick = _vocative(text)
        assert (None if full is None else full.group(0)) == (
            None if quick is None else quick.group(0)
        ), text
        matched += full is not None
    assert matched


def test_button_lines_are_told_apart_as_with_the_full_avatar_pattern() -> None:
    rng = random.Random(18)
    pieces = ["'s", "'\u017f", "’s", " picture", " Avatar", "AVATAR", "avatar", "reply", " ", "x"]
    for _ in range(3_000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 5)))
        words = UI_TOKEN.findall(line.lower())
        full = len(line) <= 48 and (
            AVATAR.search(line) is not None
            or (0 < len(words) <= 8 and all(w in UI_WORDS for w in words))
        )
        assert is_ui(line) == full, line


def test_the_reply_header_shortcut_turns_away_no_line_the_pattern_matches() -> None:
    rng = random.Random(19)
    pieces = [
        "Posted",
        "po\u017fTED",
        " by ",
        "BY",
        "Ann",
        " wrote",
        ":",
        "in ",
        "\u0130n ",
        "\u0131n ",
        "reply",
        "Response",
        " to ",
        "Bob",
        ",",
        " ",
        "x",
        "\n",
        "ted",
        "b",
    ]
    matched = 0
    for _ in range(5_000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        full = QUOTED.match(line)
        quick = reply_header(line)
        assert (None if full is None else full.group(0)) == (
            None if quick is None else quick.group(0)
        ), line
        matched += full is not None
    assert matched


def test_word_shapes_agree_with_shaping_each_word() -> None:
    rng = random.Random(20)
    pieces = ["Ab", "cdefgh", "IJKLMNOP", "_", "9", " ", "-", "é", "\u212a", "ß", "İ", "Ⓐ", "ǅ"]
    for _ in range(3_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        expected = WORDS.sub(lambda m: m[0].lower() if len(m[0]) <= 7 else "w", text)
        assert word_shapes(text) == expected, text
