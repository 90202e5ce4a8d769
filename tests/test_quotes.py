"""Quote finding, classification, attribution, speakers and links: pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.evaluation.fixture import score
from api.ingest.model import ParsedComment
from api.ingest.quotes import (
    AFTER_NON_WORD_VERB,
    MAX_NEEDLES_SEARCHED,
    _byte_words,
    _verbs_after_non_word,
    _words,
    article_quotes,
    comment_quotes,
    is_title_case,
)
from api.ingest.replies import MIN_QUOTED, QUOTE_MARKS, _said, _said_head
from api.ingest.spans import link_spans, quote_spans
from api.ingest.speakers import clean_name, fold_speakers
from tests.conftest import ROOT


def quoted(text: str) -> list[str]:
    return [text[s.start : s.end] for s in quote_spans(text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ('He said "straight quotes" here.', ["straight quotes"]),
        ("He said “curly quotes” here.", ["curly quotes"]),
        ('because he had “always wanted to."', ["always wanted to."]),
        ('"An open quote that never closes', ["An open quote that never closes"]),
        ("continues from before,” she said.", ["continues from before,"]),
        ("Putin's wife and the banksters' plans", []),
        ("In the movie 'JFK', he never", ["JFK"]),
        (
            "\"And the generals said: 'If ordered, the tanks will roll.'\"",
            [
                "And the generals said: 'If ordered, the tanks will roll.'",
                "If ordered, the tanks will roll.",
            ],
        ),
        ('"One," he says. "Two."', ["One,", "Two."]),
    ],
)
def test_quote_spans(text: str, want: list[str]) -> None:
    assert quoted(text) == want


def test_nested_and_unbalanced_flags() -> None:
    spans = quote_spans('"Outer \'inner words\' end" and "open')
    assert [(s.nested, s.closed) for s in spans] == [(False, True), (True, True), (False, False)]


@pytest.mark.parametrize(
    ("paragraphs", "speakers"),
    [
        (['"We will win," says Jane Roe.'], ["Jane Roe"]),
        (['Jane Roe says the plan "will never work at all".'], ["Jane Roe"]),
        (['"It was hard for all of us," said his wife Ludmila.'], ["Ludmila"]),
        (['"I burned it all myself," John Smith recalled.'], ["John Smith"]),
        (['"The country had changed beyond recognition," as Gessen puts it.'], ["Gessen"]),
        (
            ["Mary Major came home late.", '"I was tired of it all," she said later.'],
            ["Mary Major"],
        ),
        (
            ["John Smith said he left early.", '"Nobody asked me to stay behind."'],
            ["John Smith"],
        ),
        (['"First part of it," says Ann Lee. "Second part of it too."'], ["Ann Lee", "Ann Lee"]),
    ],
)
def test_attribution_cues(paragraphs: list[str], speakers: list[str]) -> None:
    found, _ = article_quotes(paragraphs)
    got = [q.speaker for quotes in found for q in quotes if q.kind == "speech"]
    assert got == speakers


def test_titles_and_scare_quotes_are_flagged_not_attributed() -> None:
    found, _ = article_quotes(
        ['Bob Stone said the series "The Putin Interviews" was a "success" overall.']
    )
    kinds = [(q.text, q.kind, q.speaker) for q in found[0]]
    assert kinds == [("The Putin Interviews", "title", None), ("success", "scare", None)]
    assert is_title_case("10 Most WTF Things We Learned From Oliver Stone's Putin Interviews")
    assert not is_title_case("I entered law school because I wanted to work for the KGB.")


def test_speakers_are_folded_within_an_article() -> None:
    found, speakers = article_quotes(
        [
            "Russia's President Putin talked to the press.",
            '"We joined because we wanted to," Vladimir Putin said.',
            '"It was a long time ago," Putin recalled.',
        ]
    )
    assert [q.speaker for qs in found for q in qs] == ["Vladimir Putin", "Vladimir Putin"]
    assert len(speakers) == 1
    assert speakers[0].name == "Vladimir Putin"
    assert set(speakers[0].aliases) == {"Putin", "Vladimir Putin", "Russia's President Putin"}


def test_clean_name_and_fold() -> None:
    assert clean_name("Prof Karen Dawisha") == "Karen Dawisha"
    assert clean_name("Russia's President Putin") == "Putin"
    assert clean_name("Putin's") is None
    folded = fold_speakers(["Gessen", "Masha Gessen"], ["Putin biographer"])
    assert folded["Gessen"].name == "Masha Gessen"


def test_comment_quotes_link_to_the_comment_they_repeat() -> None:
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    t1 = datetime(2020, 1, 2, tzinfo=UTC)
    comments = [
        ParsedComment(0, "ann", True, t0, "From what I know, he is not a light touch at all."),
        ParsedComment(1, "bob", True, t1, 'You wrote "he is not a light touch at all." Agreed.'),
        ParsedComment(2, "cy", True, t0, 'Early "he is not a light touch at all" echo.'),
    ]
    found = comment_quotes(comments)
    assert [(q.source_comment, q.speaker) for q in found[1]] == [(0, "ann")]
    assert [q.source_comment for q in found[2]] == [0]  # same time is allowed, later is not


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII: don't, can't -- x_y 3.14 (a/b) [c]",
        "It’s “quoted” … and – dashed — ‘too’",
        "KELVIN \u212a lowers to ASCII",
        "Café naïve Σίσυφος \xb4accent\u2032 \xa0nbsp\u2009thin",
        "",
    ],
)
def test_byte_words_are_the_words_or_none(text: str) -> None:
    found = _byte_words(text)
    if text.isascii() or "’" in text:
        assert found is not None  # ASCII and the common marks take the byte path
    if found is not None:
        assert [w.decode() for w in found] == _words(text)


@pytest.mark.parametrize("others", [0, MAX_NEEDLES_SEARCHED + 1])
def test_a_quote_links_however_many_other_quotes_the_page_holds(others: int) -> None:
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    said = ParsedComment(0, "ann", True, t0, "From what I know, he is not a light touch at all.")
    unheld = [  # quotes no other comment holds
        ParsedComment(1 + n, f"r{n}", True, t0, f'"Quoting words no one wrote, number {n}." Yes.')
        for n in range(others)
    ]
    quoting = ParsedComment(
        1 + others, "bob", True, t0, 'You wrote "he is not a light touch at all".'
    )
    found = comment_quotes([said, *unheld, quoting])
    assert [q.source_comment for q in found[-1]] == [0]
    assert all(q.source_comment is None for quotes in found[1:-1] for q in quotes)


@pytest.mark.parametrize(
    "text",
    [
        "One line, single spaces.",
        " “Two  spaces” ",
        "tab\there",
        "no\xa0break",
        "zero\u200bwidth",
        "",
    ],
)
def test_a_paragraph_is_said_with_its_spaces_collapsed(text: str) -> None:
    assert _said(text) == " ".join(text.strip().lower().strip(QUOTE_MARKS).split())


@pytest.mark.parametrize(
    "text",
    [
        "A paragraph long enough to be read only up to a space after its opening words.",
        "> quoted  line one,\n>> and “line two” ΑΣ ΣΑΣ  of a paragraph, long as it goes on",
        '"  “ ” " " ' * 8 + "a quotation opening with many marks before its words, cut",
        "ΟΔΥΣΣΕΥΣ ΟΔΥΣΣΕΥΣ ΟΔΥΣΣΕΥΣ ΟΔΥΣΣΕΥΣ ΟΔΥΣΣΕΥΣ, with a final sigma at each cut",
        "İSTANBUL İSTANBUL İSTANBUL İSTANBUL İSTANBUL grows when lowercased",
        "short",
    ],
)
def test_a_said_head_opens_the_said_text(text: str) -> None:
    head, piece = _said_head(text)
    assert head == _said(text)[:MIN_QUOTED]
    assert piece in (None, _said(text))


SAID_CHARACTERS = st.sampled_from(list(" \n\t\xa0>\"“”‘’«»'.:,aCΣ\u03c3İi\u0307"))


@given(st.one_of(st.text(SAID_CHARACTERS, max_size=120), st.text(max_size=120)))
def test_any_said_head_opens_the_said_text(text: str) -> None:
    test_a_said_head_opens_the_said_text(text)


VERB_PIECES = st.sampled_from(
    [
        "said",
        "says",
        "say",
        "saying",
        "puts it",
        "told",
        "é",
        "ß",
        "’",
        "—",
        " ",
        ".",
        "x",
        "_",
        "1",
    ]
)


@given(st.lists(VERB_PIECES, max_size=12).map("".join))
def test_verbs_after_non_word_are_the_patterns_matches(text: str) -> None:
    found = [(m.start() + 1, m.end()) for m in AFTER_NON_WORD_VERB.finditer(text)]
    assert _verbs_after_non_word(text) == found


def test_links() -> None:
    text = "See https://example.org/a_(b)?x=1, and http://x.y/z. Not ftp://nope."
    assert [link.url for link in link_spans(text)] == ["https://example.org/a_", "http://x.y/z"]
    first = link_spans("go to https://example.org/path.")[0]
    assert (first.start, first.end) == (6, 30)


def test_seed_scores_at_least_the_bar() -> None:
    result = score(ROOT / "fixtures" / "putin-kgb-dresden.expected.json")
    assert result.parents_right == result.parents_total == 22
    assert result.quotes_expected == 19
    assert result.speakers_right >= 17
    assert result.titles_excluded == result.titles_total == 2
    assert result.quote_precision >= 0.9
