"""Comment renderings: pages from many sites, the renderings' contract, and the scores on the
hand-annotated sample pages (their marker line is never shown to the parser)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.evaluation.pages import coverage, score_pages, strip_marker
from api.ingest.page import parse_page
from api.ingest.renderings import RENDERINGS, choose
from api.ingest.times import find_time

DRAGNET = Path(__file__).parent.parent / "fixtures" / "dragnet"

WORDPRESS = """A Post About Gardens
by Jane Roe on October 29, 2012

Tomatoes need sun. Lots of it, every day.

Water them in the morning.

3 Responses to "A Post About Gardens"

Tom Smith says:
October 29, 2012 at 1:49 am

I grow mine in pots on the balcony.

Reply

Ann Lee says:
October 30, 2012 at 9:02 pm

Mine never ripen before the frost.

Reply

Pingback: Garden links « Some Blog says:
October 31, 2012 at 7:00 am

[…] a post about gardens […]

Leave a Reply
"""

BLOGGER = """Sunday, September 9
prepping for a new week

We start again on Monday.

tRiSh said...
    That is exactly what I need.
    September 10, 2012 4:45 AM
Ankita said...
    Wish I could think this way more often :)
    September 10, 2012 6:10 AM
Post a Comment
"""

DISQUS = """Markets Fall Again
By John Doe Markets reporter

Stocks fell for a third day.

Alice • 2 hours ago
They always do in autumn.

Bob • 5 hours ago
Buy the dip.
"""


def test_wordpress_page() -> None:
    page = parse_page(WORDPRESS)
    assert page.comment_rendering == "wordpress"
    assert (page.title, page.byline) == ("A Post About Gardens", "Jane Roe")
    assert [c.author for c in page.comments] == ["Tom Smith", "Ann Lee", "Garden links « Some Blog"]
    assert [c.kind for c in page.comments] == ["comment", "comment", "trackback"]
    assert page.comments[0].posted_text == "October 29, 2012 at 1:49 am"
    assert page.comments[0].posted_at == datetime(2012, 10, 29, 1, 49, tzinfo=UTC)
    assert page.comments[1].body == "Mine never ripen before the frost."
    article = " ".join(b.text for s in page.sections for b in s)
    assert "Responses" not in article
    assert "Tom Smith" not in article
    assert page.published_at == datetime(2012, 10, 29, tzinfo=UTC)


def test_blogger_page_time_after_body() -> None:
    page = parse_page(BLOGGER)
    assert page.comment_rendering == "blogger"
    assert page.title == "prepping for a new week"
    assert [(c.author, c.posted_text) for c in page.comments] == [
        ("tRiSh", "September 10, 2012 4:45 AM"),
        ("Ankita", "September 10, 2012 6:10 AM"),
    ]
    assert page.comments[0].body == "That is exactly what I need."


GAP = "\n\n\n\n\n"
ARTICLE = (
    "Cheaper Servers by Choosing Well\nThursday, October 18, 2012\n\n"
    "Some machines of one type run faster than others.\n\n"
    "Picking the fast ones saves money over a year of use.\n"
)


@pytest.mark.parametrize(
    ("section", "author", "posted"),
    [
        (
            "The gap between the two is large.\nOctober 19, 2012 Olga Brandt\n",
            "Olga Brandt",
            "October 19, 2012",
        ),
        (
            "Pemberton Monday, November 5 2012\n\n.. and it is down again!\n",
            "Pemberton",
            "Monday, November 5 2012",
        ),
        ("   qwerty9  •  15 minutes ago\n\n    Keep trying!\n", "qwerty9", "15 minutes ago"),
        (  # a name ending in digits, then a date: the day is the date's, not the name's
            "Day19 November 12, 2012 at 3:04 pm\n\n    Yeah! Heavy today.\n",
            "Day19",
            "November 12, 2012 at 3:04 pm",
        ),
    ],
)
def test_a_lone_comment_set_apart_from_the_article_is_read(
    section: str, author: str, posted: str
) -> None:
    page = parse_page(ARTICLE + GAP + section)
    assert [(c.author, c.posted_text) for c in page.comments] == [(author, posted)]
    article = " ".join(b.text for s in page.sections for b in s)
    assert author not in article


def test_a_lone_pingback_with_a_long_title_is_a_trackback() -> None:
    title = "Movie Presidents: Fifty One Film Presidents of the Country in One Remix at Some Blog"
    page = parse_page(
        ARTICLE + GAP + f"    [...] via [...]\n    Pingback by {title} — November 7, 2012 @ 12:22\n"
    )
    assert [(c.author, c.kind, c.body) for c in page.comments] == [
        (title, "trackback", "[...] via [...]")
    ]


def test_a_dated_line_inside_the_article_is_not_a_lone_comment() -> None:
    page = parse_page(
        ARTICLE + "\nWe measured it again on October 19, 2012 with Olga Brandt.\n\n"
        "More results follow next week, on a larger cluster.\n"
    )
    assert page.comments == []


def test_cited_dates_in_the_article_are_not_comment_headers() -> None:
    items = "\n\n".join(f"{n}. Essay Title {n} (May {n}, 2004)" for n in range(1, 13))
    comments = "\n\n".join(
        f"A thought about essay {n}, and why it matters.\n    Reader{n} : {n}:15 PM"
        for n in range(1, 4)
    )
    page = parse_page(ARTICLE + "\n" + items + GAP + comments + "\n")
    assert [c.author for c in page.comments] == ["Reader1", "Reader2", "Reader3"]
    article = " ".join(b.text for s in page.sections for b in s)
    assert "Essay Title 12" in article


def test_subheadings_above_dated_comments_stay_in_the_article() -> None:
    titles = ["Know Your Terms", "Ask Before Sending", "Keep Copies", "Sign First"]
    body = "\n".join(
        f"Part {n} of the advice runs over several sentences.\n{title}\n"
        for n, title in enumerate(titles)
    )
    body += "\nThe last part of the advice closes the article.\n"
    comments = "\n\n".join(
        f"{name}\nNovember {day}th\n\nThanks for this, it helped.\n"
        for name, day in [("kpl", 8), ("Ola Nordmann", 9), ("Per Hansen", 12)]
    )
    page = parse_page(ARTICLE + "\n" + body + GAP + comments)
    assert [c.author for c in page.comments] == ["kpl", "Ola Nordmann", "Per Hansen"]
    article = " ".join(b.text for s in page.sections for b in s)
    assert "Keep Copies" in article


def test_two_name_only_comments_after_the_article_are_read() -> None:
    section = (
        "Quillon\n\nThe small car is not selling. Few want to pay that much for it.\n\n"
        "Prices of batteries have stalled too.\n\nNorbury88\n\nOh dear.\n"
        "Not even with the credit at the point of sale.\n"
    )
    page = parse_page(ARTICLE + GAP + section)
    assert [c.author for c in page.comments] == ["Quillon", "Norbury88"]
    assert page.comments[1].body.startswith("Oh dear.")


def test_names_hanging_over_indented_bodies_are_the_headers() -> None:
    article = (
        "\nThe trouble with files:\n\n    changing something you can never get back\n"
        "    breaking your site altogether\n\nThe bottom line is that you need a safe way.\n"
        "Thesis 3, dragons 0.\nDownload Version Two Now\n\nIt is a knockout, folks.\n"
    )
    section = (
        "Gibbo\n\n    Brilliant! Thanks Chris.\n\nRobert\n\n    Not seeing the update yet.\n\n"
        "    Chris Pearson\n\n        It will show up within a day.\n\n"
        "Thomas Frank\n\n    These updates are awesome.\n"
    )
    page = parse_page(ARTICLE + article + GAP + section)
    authors = [c.author for c in page.comments]
    assert authors == ["Gibbo", "Robert", "Chris Pearson", "Thomas Frank"]
    assert [t.parent for t in page.threads] == [None, None, 1, None]
    text = " ".join(b.text for s in page.sections for b in s)
    assert "breaking your site altogether" in text
    assert "Download Version Two Now" in text


def test_profile_headers_name_the_author_above_badges_taglines_and_counters() -> None:
    section = (
        "photo\nSUPER USER\nNICENESS\n152 Fans\n23 seconds ago ( 4:28 PM)\nKICK UP!\n      \n"
        "photo\nSUPER USER\nsavory1\nMidwest Soccer Mom\n186 Fans\n \n"
        "29 seconds ago ( 4:28 PM)\nProof that lightning does strike twice!\n      \n"
        "photo\nelsquibbs\nSocially liberal, fiscally prudent.\n387 Fans\n"
        "60 seconds ago ( 4:27 PM)\nI have had speeding tickets for slower than that.\n"
    )
    page = parse_page(ARTICLE + GAP + section)
    assert [(c.author, c.posted_text) for c in page.comments] == [
        ("NICENESS", "23 seconds ago ( 4:28 PM)"),
        ("savory1", "29 seconds ago ( 4:28 PM)"),
        ("elsquibbs", "60 seconds ago ( 4:27 PM)"),
    ]
    assert [c.body for c in page.comments] == [
        "KICK UP!",
        "Proof that lightning does strike twice!",
        "I have had speeding tickets for slower than that.",
    ]


def test_a_lone_scored_name_opens_a_comment() -> None:
    page = parse_page(ARTICLE + GAP + "Quillon 12 pts\n\nThis money goes to the lenders.\n")
    assert [(c.author, c.body) for c in page.comments] == [
        ("Quillon", "This money goes to the lenders.")
    ]
    unscored = parse_page(ARTICLE + GAP + "Quillon\n\nThis money goes to the lenders.\n")
    assert unscored.comments == []


def test_a_wrote_line_amid_the_article_is_a_quotation() -> None:
    page = parse_page(
        "Photos of the Storm\n\nOur neighbour has kept taking photos.\n\n"
        "On Saturday Quillon wrote:\n\n    Today the drive for food restored my faith.\n\n"
        "And the photos travel far.\n" + GAP + "Such a sad sight for us who live here.\n"
    )
    assert page.comments == []
    article = " ".join(b.text for s in page.sections for b in s)
    assert "restored my faith" in article


def test_a_name_ending_in_an_exclamation_mark_says() -> None:
    section = "\n".join(
        f"{name} said:\n\nA nice mix, I will bring it along.\nNovember {d}, 2012 8:22 am\n"
        for name, d in [("Quill in the Garden!", 8), ("Norbury", 9), ("Ada", 10)]
    )
    page = parse_page(ARTICLE + GAP + section)
    assert [c.author for c in page.comments] == ["Quill in the Garden!", "Norbury", "Ada"]


def test_slashdot_read_without_bylines_opens_comments_at_scored_subjects() -> None:
    section = (
        "    Eyesore? (1, Insightful)\n\n    It looks more like an eyesore to me.\n"
        "        Re:\n        No joke, in a bad way.\n"
        "            1 reply beneath your current threshold.\n"
        "    Wow (2)\n\n    What an ugly thing.\n"
        "    Total Comments (3)\n"
        "    Not a fan but (1)\n\n    They are usually well made. Not this.\n"
    )
    page = parse_page(ARTICLE + GAP + section)
    assert page.comment_rendering == "slashdot"
    assert [c.body.split("\n")[0] for c in page.comments] == [
        "It looks more like an eyesore to me.",
        "No joke, in a bad way.",
        "What an ugly thing.",  # "Total Comments (3)" counts comments: no header
        "They are usually well made. Not this.",
    ]
    assert {c.author for c in page.comments} == {""}
    assert page.comments[1].parent_position == 0


def test_a_deck_under_the_headline_is_not_the_title() -> None:
    page = parse_page(
        "State Still Awaits The Governor's Health Decisions\n"
        "No word yet on exchanges or the expansion\n\n"
        "By: Jane Roe  |  November 12th, 2012 at 04:00 PM\n\n"
        "The governor has not announced a decision yet.\n"
    )
    assert (page.title, page.byline) == (
        "State Still Awaits The Governor's Health Decisions",
        "Jane Roe",
    )


@pytest.mark.parametrize("buttons", ["Share this: Facebook Twitter Email", "Tweet", "Print Email"])
def test_sharing_buttons_between_title_and_byline_are_neither_title_nor_text(buttons: str) -> None:
    page = parse_page(
        "The Dangerous Hubris of the Startup World\n\n"
        f"{buttons}\n\n"
        "by Rand Fish on January 31, 2011\n\n"
        "Students of history will almost certainly know the seven deadly sins.\n"
    )
    assert (page.title, page.byline) == ("The Dangerous Hubris of the Startup World", "Rand Fish")
    assert [b.text for s in page.sections for b in s] == [
        "Students of history will almost certainly know the seven deadly sins."
    ]


def test_a_subject_line_above_each_header_does_not_make_it_a_footer() -> None:
    section = "\n\n\n".join(
        f"{subject}\nwritten by {name}, October {day}, 2012\n{body}\n"
        for subject, name, day, body in [
            ("Chairman of the board", "Quill Hamm", 24, "The energy cost is the problem."),
            ("Tech", "Norbury Works", 25, "Is anyone else impressed by this?"),
            ("Not going to work", "ada", 25, "Far too much energy for this."),
        ]
    )
    page = parse_page(ARTICLE + GAP + section)
    assert [(c.author, c.body.split("\n")[0]) for c in page.comments] == [
        ("Quill Hamm", "The energy cost is the problem."),
        ("Norbury Works", "Is anyone else impressed by this?"),
        ("ada", "Far too much energy for this."),
    ]


def test_added_is_the_header_verb_not_part_of_the_name() -> None:
    section = "\n\n".join(
        f"{name} added 1 day ago\n\n{body}\n"
        for name, body in [("quillon", "Thank you for this."), ("Ada K", "Lovely bird!")]
    )
    page = parse_page(ARTICLE + GAP + section)
    assert [(c.author, c.posted_text) for c in page.comments] == [
        ("quillon", "1 day ago"),
        ("Ada K", "1 day ago"),
    ]


def test_relative_times_need_the_crawl_time() -> None:
    unknown = parse_page(DISQUS)
    assert [c.author for c in unknown.comments] == ["Alice", "Bob"]
    assert [c.posted_at for c in unknown.comments] == [None, None]
    assert unknown.byline == "John Doe"
    crawled = datetime(2020, 1, 2, 12, 0, tzinfo=UTC)
    known = parse_page(DISQUS, crawled_at=crawled)
    assert [c.posted_at for c in known.comments] == [
        datetime(2020, 1, 2, 10, 0, tzinfo=UTC),
        datetime(2020, 1, 2, 7, 0, tzinfo=UTC),
    ]


def test_nesting_by_indentation_links_replies() -> None:
    text = "\n".join(
        [
            "Title Of The Story",
            "",
            "Story text here, long enough to be prose.",
            "",
            "",
            "",
            "Ann Lee July 7, 2012 at 12:27 am",
            "",
            "    First comment.",
            "",
            "    Bob Ray July 7, 2012 at 1:00 am",
            "",
            "        A reply to Ann.",
            "",
            "Cy Dee July 8, 2012 at 2:00 am",
            "",
            "    Another top comment.",
        ]
    )
    page = parse_page(text)
    assert [c.author for c in page.comments] == ["Ann Lee", "Bob Ray", "Cy Dee"]
    assert [t.parent for t in page.threads] == [None, 0, None]
    assert page.threads[1].resolution == "exact"


def test_a_page_that_looks_commented_but_is_unread_warns() -> None:
    page = parse_page("Title\n\nSome text.\n\n12 Comments\n\nnothing readable here\n")
    assert page.comments == []
    assert page.warnings


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("23 seconds ago ( 4:28 PM)", "23 seconds ago ( 4:28 PM)"),
        ("Ann (July 7, 2012)", "July 7, 2012"),
        ("November 5, 2012 · 8:23 PM", "November 5, 2012 · 8:23 PM"),
    ],
)
def test_a_time_in_brackets_after_a_time_is_part_of_it(line: str, shown: str) -> None:
    span = find_time(line)
    assert span is not None
    assert line[span[0] : span[1]] == shown


@pytest.mark.parametrize(
    "line",
    [" " * 5000 + "x", "1" * 250, '"' * 250, "a, " * 90 + "2012", "12:" * 90, "@1 " * 90],
)
def test_time_finder_is_fast_on_pathological_lines(line: str) -> None:
    find_time(line)  # completes: no backtracking blow-up (the suite would time out)
    parse_page("Title\n\n" + "\n".join([line] * 50))


def test_every_rendering_follows_the_contract() -> None:
    names = [r.NAME for r in RENDERINGS]
    assert len(set(names)) == len(names)
    assert names[-1] == "generic"
    for rendering in RENDERINGS:
        assert rendering.detect([]) == 0.0
        assert rendering.split([]) is None


PROSE = st.lists(
    st.sampled_from(["the", "garden", "grows", "slowly", "and", "we", "wait", "for", "rain."]),
    min_size=3,
    max_size=12,
).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(PROSE, min_size=1, max_size=20))
def test_a_page_without_comments_is_all_article(paragraphs: list[str]) -> None:
    text = "A Title Line\n\n" + "\n\n".join(paragraphs)
    page = parse_page(text)
    assert page.comments == []
    assert [b.text for s in page.sections for b in s] == paragraphs


NAMES = st.sampled_from(["Ann Lee", "bob", "Cy Dee-Smith", "dora_77"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(NAMES, PROSE, st.integers(1, 28)), min_size=1, max_size=10))
def test_no_comment_body_appears_twice(comments: list[tuple[str, str, int]]) -> None:
    lines = ["A Title Line", "", "The article says something.", "", "", ""]
    for i, (name, body, day) in enumerate(comments):
        lines += [f"{name} July {day}, 2012 at 10:{i:02d} am", "", f"{body} #{i}", ""]
    page = parse_page("\n".join(lines))
    bodies = [c.body for c in page.comments]
    assert len(bodies) == len(set(bodies))
    article = " ".join(b.text for s in page.sections for b in s)
    for body in bodies:
        assert body not in article


# The issue's targets for the hand-annotated sample pages (overall): a change that reads
# fewer pages right fails here.
AT_LEAST = {
    "found": 0.90,
    "author": 0.85,
    "title": 0.90,
    "byline": 0.80,
    "count±20%": 0.85,
    "replies": 0.70,
}
AT_MOST = {"in article": 0.03, "spurious": 0.05}


@pytest.mark.skipif(not any(DRAGNET.glob("*.expected.json")), reason="no annotations yet")
def test_scores_on_the_annotated_sample_pages_meet_the_targets() -> None:
    table = score_pages(sorted(DRAGNET.glob("*.expected.json")))
    rates = {
        k: right / total if total else 1.0 for k, (right, total) in table.overall.rates().items()
    }
    low = {k: rates[k] for k, floor in AT_LEAST.items() if rates[k] < floor}
    high = {k: rates[k] for k, ceiling in AT_MOST.items() if rates[k] > ceiling}
    assert not low, table.report()
    assert not high, table.report()


def test_marker_is_stripped_and_gives_the_boundary(tmp_path: Path) -> None:
    page = tmp_path / "1.txt"
    page.write_text(
        "A Title\n\nText of the story.\n\n!@#$%^&*()  COMMENTS\n\n"
        "Ann Lee July 7, 2012 at 12:27 am\n\nNice.\n\nBob Ray July 8, 2012 at 1:00 am\n\nOk.\n",
        encoding="utf-8",
    )
    text, marker = strip_marker(page.read_text(encoding="utf-8"))
    assert marker == 4
    assert "COMMENTS" not in text
    assert choose(text.split("\n")) is not None
    result = coverage([page])
    assert (result.pages, result.boundaries, result.with_comments) == (1, 1, 1)


def test_stated_replies_link_to_the_named_comment() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Ann Lee July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Second.", ""]
    lines += ["Cy Dee July 7, 2012 at 10:09 am", "", "@Ann - I agree.", ""]
    lines += ["Dora Em July 7, 2012 at 10:10 am", "", "Bob Ray, not so.", ""]
    lines += ["Ed Fox July 7, 2012 at 10:11 am", "", "Nobody, this names no one.", ""]
    lines += ["Fay Go July 7, 2012 at 10:12 am", "Response to Bob Ray, 7 July 2012 10:05AM", ""]
    lines += ["Second to the second.", ""]
    page = parse_page("\n".join(lines))
    assert [t.parent for t in page.threads] == [None, None, 0, 1, None, 1]


def test_a_reply_to_a_comment_number_links_to_that_comment() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Ann Lee July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Second.", ""]
    lines += ["Cy Dee July 7, 2012 at 10:09 am", "", "@1 it probably would.", ""]
    lines += ["Dora Em July 7, 2012 at 10:10 am", "", "@ #2: not so.", ""]
    lines += ["Ed Fox July 7, 2012 at 10:11 am", "", "@9 names no comment yet.", ""]
    lines += ["Fay Go July 7, 2012 at 10:12 am", "", "@10:30 we met.", ""]
    page = parse_page("\n".join(lines))
    assert [t.parent for t in page.threads] == [None, None, 0, 1, None, None]


def test_a_reply_link_line_is_not_part_of_the_body() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Ann Lee July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "Response to Ann Lee, 7 July 2012 10:00AM", ""]
    lines += ["Second.", ""]
    lines += ["Cy Dee July 7, 2012 at 10:09 am", "", "In reply to Ann Lee.", "Third.", ""]
    lines += ["Dora Em July 7, 2012 at 10:10 am", "", "Reply to Bob, I think you are wrong.", ""]
    lines += ["More of what I think.", ""]
    page = parse_page("\n".join(lines))
    assert [c.body for c in page.comments] == [
        "First.",
        "Second.",
        "Third.",
        "Reply to Bob, I think you are wrong.\n\nMore of what I think.",
    ]
    assert [t.parent for t in page.threads] == [None, 0, 0, None]


def test_a_web_address_beside_the_name_is_not_part_of_it() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "    1  Ann Lee http://annlee.example | 10/29/2012 5:14:46 PM", ""]
    lines += ["    The link seems to be broken.", ""]
    lines += ["    2  Bob Ray | 10/29/2012 5:25:25 PM", "", "    Fixed, thanks.", ""]
    lines += ["    3  Cy Dee www.cydee.example | 10/30/2012 8:00:00 AM", "", "    Good.", ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == ["Ann Lee", "Bob Ray", "Cy Dee"]


def test_a_signature_above_a_date_line_does_not_hide_the_name_below() -> None:
    said = "I need to manage my time better and focus on what needs to be done."
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "November 5, 2012", "", "Dan Garner", "", said, ""]
    lines += ["Dan @ ZenPresence", "", "November 5, 2012", "", "Foro Vietnam", "", said, ""]
    lines += ["November 5, 2012", "", "Gigi", "", said, ""]
    lines += ["November 5, 2012", "", "Hope", "", said, ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == ["Dan Garner", "Foro Vietnam", "Gigi", "Hope"]
    assert page.comments[0].body == said + "\n\nDan @ ZenPresence"


def test_a_nested_reply_names_which_comment_of_the_thread_it_answers() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Ann Lee July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["    Bob Ray July 7, 2012 at 10:05 am", "", "    Second.", ""]
    lines += ["    Cy Dee July 7, 2012 at 10:09 am", "    Response to Bob Ray, 7 July 2012", ""]
    lines += ["    Third.", ""]
    lines += ["    Dora Em July 7, 2012 at 10:10 am", "", "    Fourth.", ""]
    page = parse_page("\n".join(lines))
    assert [t.parent for t in page.threads] == [None, 0, 1, 0]


def test_a_posted_on_date_by_name_line_closing_the_article_is_its_byline() -> None:
    page = parse_page(
        "My Four Favourite Places\n\n"
        + "".join(f"Place {n} is one I keep going back to, for the food.\n\n" for n in range(9))
        + "Posted on August 9th, 2012 by lucky\n"
        + GAP
        + "August 9th, 2012 at 8:38 am\n\n"
        "infamousdx said,\n\nGreat list.\n\nAugust 9th, 2012 at 9:00 am\n\nKevin said,\n\nAgreed.\n"
    )
    assert (page.title, page.byline) == ("My Four Favourite Places", "lucky")
    assert page.published_at == datetime(2012, 8, 9, tzinfo=UTC)
    assert [c.author for c in page.comments] == ["infamousdx", "Kevin"]


def test_a_time_after_the_body_shown_again_as_hours_ago_is_the_date() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "mtmjr90 says:", "", "Do we know for sure?", ""]
    lines += ["    Posted on Nov 06 2012  1:23 pm - 3 hours ago", "", ""]
    lines += ["thejuiceman236 says:", "", "Well I guess they could.", ""]
    lines += ["    Posted on Nov 06 2012  1:30 pm - 2 hours ago", "", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.posted_text, c.body) for c in page.comments] == [
        ("mtmjr90", "Nov 06 2012  1:23 pm", "Do we know for sure?"),
        ("thejuiceman236", "Nov 06 2012  1:30 pm", "Well I guess they could."),
    ]
    assert page.comments[0].posted_at == datetime(2012, 11, 6, 13, 23, tzinfo=UTC)


def test_an_author_shown_only_as_a_web_address_keeps_it_as_the_name() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "", "Thanks, David. I miss the shared experiences of television.", ""]
    lines += ["Posted by: www.example.com/profile.php?id=6079 | October 14, 2012 at 06:57 PM", ""]
    lines += ["Back in the day there were only a handful of stations.", ""]
    lines += ["Posted by: David Scott | October 15, 2012 at 04:54 AM", ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == [
        "www.example.com/profile.php?id=6079",
        "David Scott",
    ]


def test_a_labelled_footer_takes_any_name_even_one_that_reads_as_an_exclamation() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "", "Great season so far.", ""]
    lines += ["Posted by: GoBlue! | October 14, 2012 at 06:57 PM", ""]
    lines += ["Not so sure about the defense.", ""]
    lines += ["Posted by: Ann Lee | October 15, 2012 at 04:54 AM", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("GoBlue!", "Great season so far."),
        ("Ann Lee", "Not so sure about the defense."),
    ]


def test_a_body_line_with_a_clock_time_is_no_header_beside_names_over_dates() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "3 Comments", ""]
    lines += ["Tim Doe", "March 3, 2012 at 10:01 AM", "Great post, thanks.", "Reply", ""]
    lines += ["Bob Ray", "March 4, 2012 at 10:01 AM", "Me too.", "", "Update 10:45 am: see above."]
    lines += ["Reply", "", "Cy Dee", "March 4, 2012 at 11:01 AM", "Last one.", "Reply", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("Tim Doe", "Great post, thanks."),
        ("Bob Ray", "Me too.\n\nUpdate 10:45 am: see above."),
        ("Cy Dee", "Last one."),
    ]


def test_a_comment_that_is_only_a_plus_one_keeps_it_as_its_body() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "3 Comments", ""]
    lines += ["Tim Doe says:", "March 3, 2012 at 10:01 AM", "Great post, thanks.", "Reply", ""]
    lines += ["Bob Ray says:", "March 4, 2012 at 10:01 AM", "+1", "Reply", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("Tim Doe", "Great post, thanks."),
        ("Bob Ray", "+1"),
    ]


def test_quotation_headers_in_bodies_do_not_outrank_the_dated_headers_of_the_thread() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "5 Comments", ""]
    lines += ["Tim Doe on March 3, 2012 at 10:01 AM", "Great post, thanks.", ""]
    lines += ["Ann Lee on March 3, 2012 at 11:01 AM", "I disagree with this.", ""]
    lines += ["Bob Ray on March 4, 2012 at 9:01 AM", "Tim Doe wrote:", "", "Great post, thanks."]
    lines += ["", "Not really.", "", "Cy Dee on March 4, 2012 at 10:01 AM", "Ann Lee wrote:", ""]
    lines += ["I disagree with this.", "", "Why?", "", "Di Eve on March 4, 2012 at 11:01 AM"]
    lines += ["Last one.", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.parent_position) for c in page.comments] == [
        ("Tim Doe", None),
        ("Ann Lee", None),
        ("Bob Ray", 0),
        ("Cy Dee", 1),
        ("Di Eve", None),
    ]
    assert page.comments[2].body == "Tim Doe wrote:\n\nGreat post, thanks.\n\nNot really."


def test_a_quotation_header_of_another_verb_stays_in_the_body_of_a_said_comment() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "4 Comments", ""]
    lines += ["Tim Doe said...", "Great post, thanks.", "March 3, 2012 at 10:01 AM", ""]
    lines += ["Ann Lee said...", "I disagree with this.", "March 3, 2012 at 11:01 AM", ""]
    lines += ["Bob Ray said...", "Tim Doe wrote:", "", "Great post, thanks.", "", "Not really."]
    lines += ["March 4, 2012 at 10:01 AM", "", "Cy Dee said...", "Last one."]
    lines += ["March 4, 2012 at 11:01 AM", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.posted_text, c.parent_position) for c in page.comments] == [
        ("Tim Doe", "March 3, 2012 at 10:01 AM", None),
        ("Ann Lee", "March 3, 2012 at 11:01 AM", None),
        ("Bob Ray", "March 4, 2012 at 10:01 AM", 0),
        ("Cy Dee", "March 4, 2012 at 11:01 AM", None),
    ]


@pytest.mark.parametrize(
    "footer",
    ["Posted by: {name} | {date}", "by {name} on {date}"],
    ids=["labelled", "by-on"],
)
def test_a_first_body_ending_in_a_line_with_a_time_is_read_whole(footer: str) -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "", "Me too.", "", "Update 10:45 am: see above."]
    lines += [footer.format(name="Tim Doe", date="March 3, 2012 at 10:01 AM"), ""]
    lines += ["I disagree with this."]
    lines += [footer.format(name="Ann Lee", date="March 3, 2012 at 11:01 AM"), ""]
    lines += ["Last one."]
    lines += [footer.format(name="Cy Dee", date="March 4, 2012 at 9:01 AM"), "", "Leave a Reply"]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("Tim Doe", "Me too.\n\nUpdate 10:45 am: see above."),
        ("Ann Lee", "I disagree with this."),
        ("Cy Dee", "Last one."),
    ]
    assert page.sections[-1][-1].text == "The article says something long enough to be prose."


def test_an_archive_of_months_after_the_thread_is_not_a_comment() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "3 Comments", ""]
    lines += ["Tim Doe", "November 12th, 2012", "Great post, thanks.", ""]
    lines += ["Ann Lee", "November 13th, 2012", "I disagree with this.", ""]
    lines += ["Cy Dee", "November 14th, 2012", "Last one.", "", "Leave a Reply", ""]
    lines += ["Archives", "", "November 2012", "October 2012", "September 2012", ""]
    lines += ["Categories", "", "News", "Uncategorized", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.posted_text) for c in page.comments] == [
        ("Tim Doe", "November 12th, 2012"),
        ("Ann Lee", "November 13th, 2012"),
        ("Cy Dee", "November 14th, 2012"),
    ]


def test_names_with_brackets_or_several_words_fit_a_recurring_bracketed_date() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "5 Comments", ""]
    lines += ["Sharon in Chicago (May 20, 2012 at 12:55 AM)", "Lovely.", ""]
    lines += ["MJ of Lucky 7 Design (May 18, 2012 at 08:40 AM)", "So pretty!", ""]
    lines += ["Jan (The French Tangerine) (May 18, 2012 at 07:57 AM)", "I want one.", ""]
    lines += ["Emma Moore (May 17, 2012 at 03:22 PM)", "Nice work.", ""]
    lines += ["Leslie W. (May 16, 2012 at 09:12 AM)", "Very nice.", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("Sharon in Chicago", "Lovely."),
        ("MJ of Lucky 7 Design", "So pretty!"),
        ("Jan (The French Tangerine)", "I want one."),
        ("Emma Moore", "Nice work."),
        ("Leslie W.", "Very nice."),
    ]


def test_a_date_and_a_time_joined_by_a_dot_are_one_time_under_the_name() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Tyler Stambaugh", "November 5, 2012 · 8:23 PM", "", "Anyone there?", ""]
    lines += ["Champs", "November 5, 2012 · 8:54 PM", "", "So there is one bike blog.", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.posted_text) for c in page.comments] == [
        ("Tyler Stambaugh", "November 5, 2012 · 8:23 PM"),
        ("Champs", "November 5, 2012 · 8:54 PM"),
    ]


def test_slashdot_user_ids_shown_with_gaps_still_open_comments_and_the_count_leaves_the_title() -> (
    None
):
    lines = ["Phones Get Smaller With Model 5 427", "Posted by Ed Itor on Monday July 23, @09 57PM"]
    lines += ["The article says something long enough to be prose.", "", "", "", ""]
    lines += ["Spot the fed", "by quillpen (512897) on Monday July 23, @09 58PM", "", "First."]
    lines += ["    ", "    by ann lee ( 65672)", "", "    Second, a reply."]
    lines += ["        ", "        by Bob Ray (826 50) *", "", "        Third, deeper."]
    lines += ["    ", "    by Cy Dee (21316 )", "", "    Fourth, a reply to the first."]
    page = parse_page("\n".join(lines))
    assert page.comment_rendering == "slashdot"
    assert page.title == "Phones Get Smaller With Model 5"  # without its comment count
    assert [(c.author, c.body) for c in page.comments] == [
        ("quillpen", "First."),
        ("ann lee", "Second, a reply."),
        ("Bob Ray", "Third, deeper."),
        ("Cy Dee", "Fourth, a reply to the first."),
    ]
    assert [c.parent_position for c in page.comments] == [None, 0, 1, 0]


def test_a_name_over_the_body_and_a_date_under_it_are_one_comment() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "", "", "Ann Lee", "", "First comment here."]
    lines += ["November 12, 2012 18:06:00", "Bob Ray", "", "Second comment."]
    lines += ["November 12, 2012 18:14:19", "Cy Dee", "", "Third, in two parts.", ""]
    lines += ["Its second part.", "November 12, 2012 18:33:51", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.posted_text, c.body) for c in page.comments] == [
        ("Ann Lee", "November 12, 2012 18:06:00", "First comment here."),
        ("Bob Ray", "November 12, 2012 18:14:19", "Second comment."),
        ("Cy Dee", "November 12, 2012 18:33:51", "Third, in two parts.\n\nIts second part."),
    ]


def test_a_numbered_list_takes_any_name_and_nests_the_unnumbered_lines() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "", "1. Ann Lee - 20 August, 2011", "", "    First."]
    lines += ["2. what, me worry? - 20 August, 2011", "", "    Second."]
    lines += ["3. Bob R. - 21 August, 2011", "", "    Third."]
    lines += ["Cy Dee - 21 August, 2011", "", "    A reply to the third."]
    lines += ["Ann Lee - 22 August, 2011", "", "    Another reply to the third."]
    lines += ["4. Dora Em - 23 August, 2011", "", "    Fourth."]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("Ann Lee", "First."),
        ("what, me worry?", "Second."),
        ("Bob R.", "Third."),
        ("Cy Dee", "A reply to the third."),
        ("Ann Lee", "Another reply to the third."),
        ("Dora Em", "Fourth."),
    ]
    assert [c.parent_position for c in page.comments] == [None, None, None, 2, 2, None]


def test_a_time_after_a_comment_number_is_read_without_the_number() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += [
        "",
        "",
        "",
        "ann lee",
        "",
        "First comment here.",
        "",
        "#1 - Mon Oct 29, 2012 10:07 AM",
    ]
    lines += ["bob ray", "", "Second comment.", "", "Reply#2 - Mon Oct 29, 2012 10:28 AM"]
    lines += ["cy dee", "", "Third.", "", "#2.1 - Tue Oct 30, 2012 9:01 AM", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.posted_text, c.posted_at) for c in page.comments] == [
        ("ann lee", "#1 - Mon Oct 29, 2012 10:07 AM", datetime(2012, 10, 29, 10, 7, tzinfo=UTC)),
        (
            "bob ray",
            "Reply#2 - Mon Oct 29, 2012 10:28 AM",
            datetime(2012, 10, 29, 10, 28, tzinfo=UTC),
        ),
        ("cy dee", "#2.1 - Tue Oct 30, 2012 9:01 AM", datetime(2012, 10, 30, 9, 1, tzinfo=UTC)),
    ]


def test_a_place_in_brackets_after_a_name_does_not_make_it_a_sentence() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "", "First comment here.", ""]
    lines += ["Posted by: Ann Lee  Thursday, November 08, 2012 at 01:26 PM", "Second comment.", ""]
    lines += ["Posted by: Bo Ray (in warm and rainy Towson, Md)  November 08, 2012 at 01:33 PM"]
    lines += ["Third comment.", "", "Posted by: Cy Dee  Thursday, November 08, 2012 at 01:34 PM"]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("Ann Lee", "First comment here."),
        ("Bo Ray (in warm and rainy Towson, Md)", "Second comment."),
        ("Cy Dee", "Third comment."),
    ]


def test_an_answer_to_several_commenters_by_name_links_to_none_of_them() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Ann Lee July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Second.", ""]
    lines += ["Cy Dee July 7, 2012 at 10:09 am", "", "Ann Lee, thanks.", "", "Bob Ray: agreed.", ""]
    lines += ["Dora Em July 7, 2012 at 10:10 am", "", "Bob Ray, not so.", "", "Really.", ""]
    page = parse_page("\n".join(lines))
    assert [t.parent for t in page.threads] == [None, None, None, 1]


def test_a_reply_opening_with_a_hash_number_links_to_that_comment() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Ann Lee July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Second.", ""]
    lines += ["Cy Dee July 7, 2012 at 10:09 am", "", "#1, #2 - both wrong.", ""]
    lines += ["Dora Em July 7, 2012 at 10:10 am", "", "#2 agreed.", ""]
    lines += ["Ed Fox July 7, 2012 at 10:11 am", "", "#1.5 is not a comment.", ""]


def test_a_reply_opening_with_a_bare_comment_number_links_to_that_comment() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Ann Lee July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Second.", ""]
    replies = [
        "1. Ann",  # 2
        "2..cont",  # 3
        "2 – it is true.",  # 4
        "1 & 2: both wrong.",  # 5
        "2 &1 fake.",  # 6
        "#2/3 fake.",  # 7
        "2. “Second.” Go on!",  # 8
        "1.5 is not a comment.",
        "10:30 we met.",
        "2 - 1 was the score.",
        "1. A list.\n2. Of points.",
        "99 – names no comment yet.",
    ]
    for minute, reply in enumerate(replies, start=10):
        lines += [f"Cy Dee July 7, 2012 at 10:{minute} am", "", reply, ""]
    page = parse_page("\n".join(lines))
    assert [t.parent for t in page.threads] == [None, None, 0, 1, 1, 0, 1, 1, 1] + [None] * 5


def test_a_vote_score_before_the_number_and_name_is_not_part_of_the_name() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "#1 Ann Lee 2011-06-02 13:28", "", "First.", ""]
    lines += ["+1 #2 Bob Ray 2011-07-14 13:14", "", "Second.", ""]
    lines += ["0 #3 CY DEE 2011-08-04 20:40", "", "Third.", ""]
    lines += ["-1 #4 dora 2011-09-19 14:10", "", "Fourth.", ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == ["Ann Lee", "Bob Ray", "CY DEE", "dora"]


def test_a_badge_beside_some_names_is_not_part_of_them() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "11.05.12 at 2:53 pm", "Quill ☆", "", "    First.", ""]
    lines += ["    11.05.12 at 2:58 pm", "    Ann Lee", "", "    Second.", ""]
    lines += ["11.05.12 at 3:13 pm", "Bob", "", "    Third.", ""]
    lines += ["11.05.12 at 3:21 pm", "Quill ☆", "", "    Fourth.", ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == ["Quill", "Ann Lee", "Bob", "Quill"]


def test_a_header_that_names_the_parent_links_the_reply() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Ann Lee | November 9, 2012 12:13 AM |", "", "First.", ""]
    lines += ["Bob Ray | November 9, 2012 12:20 AM |", "", "Second.", ""]
    lines += ["Cy Dee | November 9, 2012 12:49 AM |", "", "Third.", ""]
    lines += ["Dora Mae Em replied to comment from Ann Lee | November 9, 2012 1:16 AM |"]
    lines += ["", "Fourth, to the first.", ""]
    lines += ["Ed replying to a comment from Bob Ray | November 9, 2012 1:36 AM |", ""]
    lines += ["Fifth, to the second.", ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == [
        "Ann Lee",
        "Bob Ray",
        "Cy Dee",
        "Dora Mae Em",
        "Ed",
    ]
    assert [t.parent for t in page.threads] == [None, None, None, 0, 1]
    assert page.comments[3].parent_author == "Ann Lee"


def test_a_mention_inside_the_text_links_the_reply() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Ann Lee July 7, 2012 at 10:00 am", "", "Tokyo is the best city.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Paris, for me.", ""]
    lines += ["Cy Dee July 7, 2012 at 10:09 am", "", "I agree with @Ann: Tokyo it is.", ""]
    lines += ["Dora Em July 7, 2012 at 10:10 am", "", "Rome.", "", "@Bob Ray, why Paris?", ""]
    lines += ["Ed Fox July 7, 2012 at 10:11 am", "", "Mail me at ed@annlee.example.", ""]
    page = parse_page("\n".join(lines))
    assert [t.parent for t in page.threads] == [None, None, 0, 1, None]


def test_a_possessive_mention_links_the_reply_to_its_owner() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Chris July 7, 2012 at 10:00 am", "", "Tokyo is the best city.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Paris, for me.", ""]
    lines += ["Cy Dee July 7, 2012 at 10:09 am", "", "In @Chris' place I would go.", ""]
    lines += ["Dora Em July 7, 2012 at 10:10 am", "", "As @Bob’s friend, I agree.", ""]
    lines += ["Ed Fox July 7, 2012 at 10:11 am", "", "@Nobody's idea.", ""]
    page = parse_page("\n".join(lines))
    assert [t.parent for t in page.threads] == [None, None, 0, 1, None]


def test_an_author_role_mark_is_not_the_name_and_an_abbreviation_keeps_its_dot() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Quinn", "September 19th, 2012 at 16:14", "", "Congratulations!"]
    lines += ["Ann Lee, Ph.D.", "September 19th, 2012 at 19:33", "", "Awesome."]
    lines += ["Rob Nye - author", "September 19th, 2012 at 20:19", "", "Thank you!"]
    lines += ["Jeff", "October 26th, 2012 at 17:32", "", "When?"]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == ["Quinn", "Ann Lee, Ph.D.", "Rob Nye", "Jeff"]


def test_a_header_broken_over_two_lines_by_a_long_name_is_still_a_header() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "1 Ann August 9, 2012 at 9:03 am", "", "    First.", ""]
    lines += ["2 Bo Ray @ Her Long Blog Name", "August 9, 2012 at 9:44 am", "", "    Second."]
    lines += ["", "3 Cy August 9, 2012 at 10:19 am", "", "    Third.", ""]
    lines += ["4 Dora August 9, 2012 at 11:52 am", "", "    Fourth.", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("Ann", "First."),
        ("Bo Ray @ Her Long Blog Name", "Second."),
        ("Cy", "Third."),
        ("Dora", "Fourth."),
    ]


def test_a_first_header_that_lost_its_indent_is_not_everyones_parent() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "On July 7, 2012 at 10:00 am Ann Lee said:", "", "    First.", "    "]
    lines += ["    On July 7, 2012 at 10:05 am Bob Ray said:", "", "    Second.", "    "]
    lines += ["        On July 7, 2012 at 10:09 am Cy Dee said:", "", "        A reply.", "    "]
    lines += ["    On July 7, 2012 at 10:10 am Dora Em said:", "", "    Third.", ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == ["Ann Lee", "Bob Ray", "Cy Dee", "Dora Em"]
    assert [t.parent for t in page.threads] == [None, None, 1, None]


def test_a_header_one_space_further_in_is_not_a_reply() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Ann Lee July 7, 2012 at 10:00 am", "", "    First.", ""]
    lines += ["     Bob Ray July 7, 2012 at 10:05 am", "", "        A reply.", ""]
    lines += [" Cy Dee July 7, 2012 at 10:09 am", "", "    Second.", ""]
    lines += ["      Dora Em July 7, 2012 at 10:10 am", "", "        A reply.", ""]
    lines += [" Ed Fox July 7, 2012 at 10:11 am", "", "    Third.", ""]
    page = parse_page("\n".join(lines))
    assert len(page.comments) == 5
    assert [t.parent for t in page.threads] == [None, 0, None, 2, None]


def test_a_signature_line_set_apart_by_blank_lines_closes_the_body_above_it() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "", "", "This makes me so angry, oh wait, nope, nice system you have here!"]
    lines += ["", "by Ann Lee on February 8, 2012 at 1:26 pm.", "", "Hi Rand,", ""]
    lines += ["Someone who has written to you five times.", ""]
    lines += ["by Bob Ray on February 8, 2012 at 1:36 pm.", "", "Great post.", ""]
    lines += ["by Cy Dee on February 8, 2012 at 1:41 pm.", "", "A last comment, cut off", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body.split("\n")[0]) for c in page.comments] == [
        ("Ann Lee", "This makes me so angry, oh wait, nope, nice system you have here!"),
        ("Bob Ray", "Hi Rand,"),
        ("Cy Dee", "Great post."),
    ]


def test_a_bullet_between_the_byline_and_its_date_is_not_part_of_the_name() -> None:
    page = parse_page(
        "Ten Ways To Cook Beans\nposted by Sofia ● August 6, 2012\n\n"
        "The article says something long enough to be prose.\n"
    )
    assert page.byline == "Sofia"


def test_by_inside_a_long_sentence_is_not_a_byline() -> None:
    page = parse_page(
        "First colour panorama from the rover\n\n"
        "The engineers and scientists at the lab released the first colour panorama of Mars "
        "taken by Curiosity today!\n\nMore prose follows here, long enough.\n"
    )
    assert page.byline is None
    dated = parse_page(
        "A Title About Suns\nAt_tiny by Omaha Sun on Aug 8, 2012 9:00 AM MST in Commentary\n\n"
        "The article says something long enough to be prose.\n"
    )
    assert dated.byline == "Omaha Sun"


def test_a_reply_to_a_name_several_commenters_share_picks_the_one_it_answers() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Dan July 7, 2012 at 10:00 am", "", "@lucky where should I stay in Bali?", ""]
    lines += ["Dan July 7, 2012 at 10:05 am", "", "@nancy Singapore bored me.", ""]
    lines += ["lucky July 7, 2012 at 10:09 am", "", "@Dan — the big hotel by the beach.", ""]
    lines += ["Ann Lee July 7, 2012 at 10:10 am", "", "The night market is worth a visit.", ""]
    lines += ["Ann Lee July 7, 2012 at 10:12 am", "", "Bring an umbrella in the wet season.", ""]
    lines += ["Bob July 7, 2012 at 10:15 am", "", "@Ann Lee: “the night market is worth a"]
    lines += ["visit” — which one?", ""]
    page = parse_page("\n".join(lines))
    assert [t.parent for t in page.threads] == [None, None, 0, None, None, 3]


def test_buttons_and_counters_after_a_footer_date_do_not_hide_it() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "", "Great work.", "", "by Ann Lee on Aug 8, 2012 9:37 AM MST    "]
    lines += ["Thanks for this.", "", "by bob on Aug 8, 2012 10:04 AM MST via Android app up    "]
    lines += ["Nice.", "", "by Cy Dee on Aug 8, 2012 10:52 AM MST via mobile up     1 recs"]
    lines += ["Agreed.", "", "by dora on Aug 8, 2012 11:00 AM MST up    "]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("Ann Lee", "Great work."),
        ("bob", "Thanks for this."),
        ("Cy Dee", "Nice."),
        ("dora", "Agreed."),
    ]


def test_a_place_in_capitals_after_the_name_is_not_part_of_it() -> None:
    people = [
        ("Ann Lee", "Dec 6th, 2009 at 6:06 am"),
        ("Rob NORWAY", "Dec 8th, 2009 at 8:03 pm"),
        ("bo KENYA", "Dec 13th, 2009 at 11:28 am"),
        ("Cy NEW ZEALAND", "Dec 20th, 2009 at 5:01 pm"),
        ("dora NORWAY", "Dec 21st, 2009 at 8:23 am"),
        ("ED FOX NEW ZEALAND", "Jan 1st, 2010 at 10:18 pm"),
        ("Fay MOM", "Jan 2nd, 2010 at 10:18 pm"),
    ]
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    for name, when in people:
        lines += ["", "", name, when, "", "A comment of some words."]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == [
        "Ann Lee",
        "Rob",
        "bo",
        "Cy",
        "dora",
        "ED FOX",
        "Fay",
    ]
    # One run of capitals after two names, and no other: a part of their names.
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    for name, when in [("Ann MOM", people[0][1]), ("Bea MOM", people[1][1]), ("Cy", people[2][1])]:
        lines += ["", "", name, when, "", "A comment of some words."]
    assert [c.author for c in parse_page("\n".join(lines)).comments] == ["Ann MOM", "Bea MOM", "Cy"]


def test_a_reply_that_opens_with_an_earlier_comments_words_answers_it() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Ann Lee July 7, 2012 at 10:00 am", "", "Indeed.", ""]
    lines += ["Probably closer to seventy, I would say.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Another thought entirely.", ""]
    lines += [
        "Cy Dee July 7, 2012 at 10:09 am",
        "",
        "    Probably closer to seventy, I would say.",
        "",
    ]
    lines += ["Hard to pull off in a short season.", ""]
    lines += ["Dora Em July 7, 2012 at 10:10 am", "", "> another thought", "> entirely.", ""]
    lines += ["Not for me.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:12 am", "", "Another thought entirely.", ""]
    lines += ["And one more of my own.", ""]
    page = parse_page("\n".join(lines))
    assert [t.parent for t in page.threads] == [None, None, 0, 1, None]


def test_a_reply_that_opens_by_quoting_an_earlier_comments_words_answers_it() -> None:
    said = [
        ("Ann Lee", "I grow tomatoes in pots on the balcony every single summer."),
        ("Bob Ray", "Mine never ripen before the first frost of the autumn comes."),
        ("Cy Dee", "“in pots on the balcony every single summer” – me too."),  # Ann's
        ("Dora Em", "> never ripen before the first frost\n\nTry a greenhouse."),  # Bob's
        ("Ed Fox", '"never ripen before the first frost" is what I see too.'),  # Bob's, not Dora's
        ("Fay Go", "“A phrase that nobody here has written.” Indeed."),
        ("Gil Ho", "Water them in the morning, every single day."),
        ("Ivy Jo", "Water them in the morning, every single day."),
        ("Kim Lu", "“water them in the morning, every single day” – why?"),  # two said it
        ("Lea Ma", "“I grow tomatoes in pots on the balcony every single summer.”"),  # no answer
    ]
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    for minute, (name, body) in enumerate(said, start=10):
        lines += [f"{name} July 7, 2012 at 10:{minute} am", "", body, ""]
    page = parse_page("\n".join(lines))
    assert [t.parent for t in page.threads] == [None, None, 0, 1, 1] + [None] * 5


@pytest.mark.parametrize(
    "head",
    [
        "Posted by\nDaily Political Reporter Jane Roe\t",
        "By Senior Science Editor Jane Roe",
        "Written by:\nStaff writer: Jane Roe",
    ],
)
def test_a_byline_after_a_role_or_on_the_line_below_names_the_writer(head: str) -> None:
    page = parse_page(
        "Comments (78 comments)\nThe Senator Says He Will Stay\n"
        + head
        + "\n\nThe senator said on Wednesday that he will stay where he is.\n"
    )
    assert (page.title, page.byline) == ("The Senator Says He Will Stay", "Jane Roe")
    article = " ".join(b.text for s in page.sections for b in s)
    assert "Roe" not in article


def test_a_reply_may_address_its_parent_by_first_name_alone() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Jonathan Turner July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Second.", ""]
    lines += ["Cy Dee July 7, 2012 at 10:09 am", "", "Jonathan, it looks like it could be.", ""]
    lines += ["Dora Em July 7, 2012 at 10:10 am", "", "Well, nobody is named so.", ""]
    lines += ["Ed Fox July 7, 2012 at 10:11 am", "", "Bob, and a full name: Bob Ray.", ""]
    page = parse_page("\n".join(lines))
    assert [t.parent for t in page.threads] == [None, None, 0, None, 1]


@pytest.mark.parametrize(
    ("header", "author", "posted"),
    [
        ("Petal26 October 2012 17:44", "Petal", "26 October 2012 17:44"),
        ("Poe240927 October 2012 17:44", "Poe2409", "27 October 2012 17:44"),
        ("Mama.Mom.August 6, 2012 2:21 PM", "Mama.Mom.", "August 6, 2012 2:21 PM"),
        ("fiery686October 22, 2012 1:23 PM", "fiery686", "October 22, 2012 1:23 PM"),
    ],
)
def test_a_date_stuck_to_the_name_before_it_is_split_off(
    header: str, author: str, posted: str
) -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "3 comments:", ""]
    for k, name in enumerate(("Ann Lee", "Bo Ray")):
        lines += [f"{name}{k + 1} October 2012 10:0{k}", "", f"Comment number {k}.", ""]
    lines += [header, "", "The last comment.", ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == ["Ann Lee", "Bo Ray", author]
    assert page.comments[-1].posted_text == posted
    assert find_time("Day19 Jul") is None  # without a year, a stuck number is no day


def test_a_linking_posts_title_in_a_recurring_header_is_a_trackback() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    titles = (
        "Not the golden ratio « Work in Pencil",
        "Fundraising Is a Big Time Sink — Site.com",
        "Why has spending per student in our schools increased so much since 1970? - Quora",
    )
    for k, name in enumerate(("Ann Lee", "Bo Ray", *titles)):
        lines += [f"on 25 Oct 2012 at 7:2{k} pm {name}", ""]
        lines += ["[...] a few words from the post [...]" if name in titles else "A comment.", ""]
    lines += ["on 25 Oct 2012 at 7:40 pm Cy Dee", "", "The last one.", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.kind) for c in page.comments] == [
        ("Ann Lee", "comment"),
        ("Bo Ray", "comment"),
        ("Not the golden ratio « Work in Pencil", "trackback"),
        ("Fundraising Is a Big Time Sink — Site.com", "trackback"),
        (
            "Why has spending per student in our schools increased so much since 1970? - Quora",
            "trackback",
        ),
        ("Cy Dee", "comment"),
    ]


@pytest.mark.parametrize(
    ("top", "title", "byline"),
    [
        (
            "June 11, 2012 in Reviews\twith 37 Comments\nMy New Book Is Out",
            "My New Book Is Out",
            None,
        ),
        (
            "How to Guard Your Work\n\n    Tara Hornor\n    Business\n  November 8th 2012",
            "How to Guard Your Work",
            "Tara Hornor",
        ),
        ("TRENDING: Portman Says He Will Stay", "Portman Says He Will Stay", None),
        (
            "NAKED JUDGING: The 2012 Awards in Photo",
            "NAKED JUDGING: The 2012 Awards in Photo",
            None,
        ),
        (
            "How Layaway Plans Work\nWritten by Clark filed under General Finance",
            "How Layaway Plans Work",
            "Clark",
        ),
    ],
)
def test_the_head_skips_a_dated_counter_and_reads_a_name_over_a_date(
    top: str, title: str, byline: str | None
) -> None:
    page = parse_page(top + "\n\nThe article says something long enough to be prose here.\n")
    assert (page.title, page.byline) == (title, byline)
    article = " ".join(b.text for s in page.sections for b in s)
    for shown in ("Comments", "Hornor", "filed"):
        assert shown not in article


def _name_on_date_page(bodies: list[tuple[str, str]]) -> str:
    lines = ["A Title Line", "", "The article quotes “a line from the article itself” here.", ""]
    for k, (name, body) in enumerate(bodies):
        lines += ["", f"{name} 11.06.12 at 10:{k:02d} am", "", f"    {body}", ""]
    return "\n".join(lines)


def test_a_reply_opening_with_an_earlier_comments_words_in_quotes_answers_it() -> None:
    page = parse_page(
        _name_on_date_page(
            [
                ("Ann Lee", "As a contributor to the insanity, you might think again."),
                ("Bo Ray", "Something else entirely, said here."),
                ("Cy Dee", "“As a contributor to the insanity” … well, I do not think so."),
                ("Di Eng", "“a line from the article itself” says it all, says Ann Lee."),
                ("Ed Fox", "“a line from the article itself” is right."),
            ]
        )
    )
    assert [t.parent for t in page.threads] == [None, None, 0, None, None]


def test_a_name_with_its_comments_number_an_initial_a_bang_or_a_surname_names_the_parent() -> None:
    page = parse_page(
        _name_on_date_page(
            [
                ("Tim Worstall", "The first comment, long enough."),
                ("Soullite", "The second comment, long enough."),
                ("Antti Nannimus", "The third comment, long enough."),
                ("Leeds man", "Soullite @2 We are too close to the tipping point."),
                ("Leeds man", "Antti @9: Perhaps; the number is off, the name is not."),
                ("john b", "Tim W: Johnson is hardly the only one."),
                ("Cy Dee", "Soullite! Nice of you to say so."),
                ("Di Eng", "@Worstall\nThe surname alone, as some readers write it."),
            ]
        )
    )
    assert [t.parent for t in page.threads] == [None, None, None, 1, 2, 0, 1, 0]


def test_slashdot_a_body_of_one_line_right_above_the_next_header_stays_its_body() -> None:
    lines = ["Phones Get Smaller", "Posted by Ed Itor on Monday July 23, @09 57PM"]
    lines += ["The article says something long enough to be prose.", "", "", "", ""]
    lines += ["by quillpen (512897) on Monday July 23, @09 58PM", "", "First, at length."]
    lines += ["    by wiredog (43288)", "", "    It's USB on the other end..."]
    lines += ["        by ceoyoyo (59147)", "", "        Only for charging.", "    "]
    lines += ["by darjen (879890)", "", "The last one."]
    page = parse_page("\n".join(lines))
    assert page.comment_rendering == "slashdot"
    assert [(c.author, c.body) for c in page.comments] == [
        ("quillpen", "First, at length."),
        ("wiredog", "It's USB on the other end..."),
        ("ceoyoyo", "Only for charging."),
        ("darjen", "The last one."),
    ]


def test_a_reply_may_address_its_parent_by_first_name_without_a_title() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Dr. Joan Smith July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Second.", ""]
    lines += ["Cy Dee July 7, 2012 at 10:09 am", "", "Joan - I think that is right.", ""]
    lines += ["Dora Em July 7, 2012 at 10:10 am", "", "Dr, I think so too.", ""]
    page = parse_page("\n".join(lines))
    assert page.comments[0].author == "Dr. Joan Smith"
    assert [t.parent for t in page.threads] == [None, None, 0, None]


def test_a_quoted_excerpt_answers_who_said_it_not_who_quoted_it_before() -> None:
    page = parse_page(
        _name_on_date_page(
            [
                ("Ann Lee", "If only it rained, we could plant the tomatoes at last. Not yet."),
                ("Bo Ray", "“we could plant the tomatoes at last”\n\n    Why wait for rain?"),
                ("Cy Dee", "“we could plant the tomatoes at last”\n\n    Soon, I hope."),
                ("Di Eng", "A fine plan from a careful planner who thought of everything."),
                # closed by an opening mark, as some readers type it
                ("Ed Fox", "“A fine plan from a careful planner who thought “\n\n    Hardly."),
            ]
        )
    )
    assert [t.parent for t in page.threads] == [None, 0, 0, None, 3]


def test_a_first_header_whose_replies_indent_their_bodies_further_is_their_parent() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "Ann Lee July 7, 2012 at 10:00 am", "", "    First, at some length.", ""]
    lines += ["    ", "", "    Bob Ray July 7, 2012 at 10:05 am", "", "        Thank you.", ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == ["Ann Lee", "Bob Ray"]
    assert [t.parent for t in page.threads] == [None, 0]


def test_deep_in_a_thread_a_first_name_picks_the_sibling_a_reply_answers() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    said = [
        ("", "Ann Lee", "First, at some length."),
        ("    ", "Bob Ray", "A reply to Ann."),
        ("        ", "Cy Dee", "A reply to Bob."),
        ("        ", "Ann Lee", "Cy, that is what I meant."),  # deep: Cy's
        ("    ", "Di Eng", "Bob, I think so too."),  # one level in: the nesting's
    ]
    for minute, (pad, name, body) in enumerate(said):
        lines += ["", f"{pad}{name} July 7, 2012 at 10:0{minute} am", "", f"{pad}    {body}", ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == [name for _, name, _ in said]
    assert [t.parent for t in page.threads] == [None, 0, 1, 2, 0]


def test_a_name_whose_short_last_word_ends_with_a_dot_keeps_it() -> None:
    names = ["js.", "josh g.", "Ed Roe Jr.", "Ann Lee"]
    bodies = ["A comment of some words."] * 3 + ["@js yes, and more words."]
    page = parse_page(_name_on_date_page(list(zip(names, bodies, strict=True))))
    assert [c.author for c in page.comments] == names
    assert [t.parent for t in page.threads] == [None, None, None, 0]


def test_a_profile_block_set_apart_by_blank_lines_names_its_author() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    people = [("Ann Lee", "Springfield, IL", 12), ("Bob Ray", "", 3), ("Cy Dee", "Dover", 40)]
    people += [("Di Eng", "Leeds", 7), ("Ed Fox", "", 1)]
    for minute, (name, place, count) in enumerate(people):
        lines += ["", "", "", name, ""] + ([place, ""] if place else [])
        lines += [f"Total Comments ({count})", f"November 12, 2012  01:{minute:02d} PM ET", ""]
        lines += [f"A comment of some words by the person number {minute}.", ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == ["Ann Lee", "Bob Ray", "Cy Dee", "Di Eng", "Ed Fox"]
    assert page.comments[0].body == "A comment of some words by the person number 0."


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("The following is a guest post from Dr. Jane Roe, founder of a small firm.", "Thanks."),
        ("The council met on Tuesday to talk about the bridge.", "-Jane Roe"),
        ("The council met on Tuesday.", "Jane Roe is a writer and designer based in Leeds."),
        ("Bridges are built to outlast the towns around them, says Jane Roe.", "Thanks."),
    ],
)
def test_a_writer_named_only_in_the_articles_prose_is_its_byline(first: str, last: str) -> None:
    lines = ["The Bridge Will Be Rebuilt", "", first, ""]
    lines += ["The work will take two years and cost more than planned.", "", last]
    lines += ["", "", "", "", "Ann Lee July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Second.", ""]
    page = parse_page("\n".join(lines))
    assert (page.title, page.byline) == ("The Bridge Will Be Rebuilt", "Jane Roe")


def test_a_product_described_at_the_articles_end_is_no_byline() -> None:
    lines = ["Cold Sore Patch - Review", "", "I tried the patch for a week.", ""]
    lines += ["Cold Sore is a clean, non-medicated patch that lets air in.", ""]
    lines += ["", "", "", "Ann Lee July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Second.", ""]
    assert parse_page("\n".join(lines)).byline is None


def test_a_long_note_between_the_title_and_the_byline_is_not_the_title() -> None:
    note = "Update: " + " ".join(["I moved this post to a page of its own for now."] * 5)
    lines = ["Threats Are Not Speech (why I cancelled my talks)", "", note, ""]
    lines += ["Posted by Kathy on April 6, 2007", "", "", "The article's text, at length.", ""]
    lines += ["", "", "", "Ann Lee July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Second.", ""]
    page = parse_page("\n".join(lines))
    assert (page.title, page.byline) == (
        "Threats Are Not Speech (why I cancelled my talks)",
        "Kathy",
    )


def test_a_byline_closing_a_short_article_leaves_the_title_at_the_top() -> None:
    lines = ["Friday, October 19, 2012", "Cool Technology of the Week ", ""]
    lines += ["Not exactly a technology, but a cool product of nature.", ""]
    lines += ["As a mycologist, I generally get calls about mushrooms.", ""]
    lines += ["Fungi that's bigger than a car tire.   That's cool!"]
    lines += ["Posted by John Roe at 3:00 AM ", "", "", "", ""]
    lines += ["Ann Lee said...", "    Wow, how big.", "    October 19, 2012 4:45 AM"]
    lines += ["Bob Ray said...", "    Huge indeed.", "    October 19, 2012 5:45 AM"]
    page = parse_page("\n".join(lines))
    assert (page.title, page.byline) == ("Cool Technology of the Week", "John Roe")
    assert page.sections[0][-1].text == "Fungi that's bigger than a car tire.   That's cool!"


def test_comments_that_show_no_name_keep_their_text_as_body() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    for minute, said in enumerate(["I love this band", "hot", "psst... it is on Tuesday"]):
        lines += ["", "", said, "", f"  November 12, 2012 7:0{minute} PM", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("", "I love this band"),
        ("", "hot"),
        ("", "psst... it is on Tuesday"),
    ]


def test_a_says_header_whose_name_lost_its_letters_is_still_a_header() -> None:
    lines = ["A Post About Gardens", "", "Tomatoes need sun. Lots of it, every day.", ""]
    for name, day in [("Tom Smith", 9), ("?????", 10), ("Ann Lee", 11), ("??", 12)]:
        lines += [f"{name} says:", f"October {day}, 2012 at 1:49 am", "", f"Words of {day}.", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("Tom Smith", "Words of 9."),
        ("?????", "Words of 10."),
        ("Ann Lee", "Words of 11."),
        ("??", "Words of 12."),
    ]


def test_a_name_in_quote_marks_keeps_them_when_they_pair() -> None:
    lines = ["A Post About Gardens", "", "Tomatoes need sun. Lots of it, every day.", ""]
    for name in ['Akshay "The Great"', '"H"', "“Bo", "Cy Dee"]:
        lines += [f"{name} says:", "October 9, 2012 at 1:49 am", "", "Some words.", ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == ['Akshay "The Great"', '"H"', "Bo", "Cy Dee"]


def test_an_inline_reply_block_answers_the_comment_above_it() -> None:
    lines = ["A Post About Gardens", "", "Tomatoes need sun. Lots of it, every day.", ""]
    lines += ["09. Jul, 2012 / Tom Smith says:", "", "I grow mine in pots.", "", ""]
    lines += ["Jane Roe Reply:", "July 10th, 2012 at 1:06 pm", "", "So do I.", "", ""]
    lines += ["Tom Smith Reply:", "July 10th, 2012 at 1:18 pm", "", "Good to hear.", "", ""]
    lines += ["09. Jul, 2012 / Ann Lee says:", "", "Mine never ripen.", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("Tom Smith", "I grow mine in pots."),
        ("Jane Roe", "So do I."),
        ("Tom Smith", "Good to hear."),
        ("Ann Lee", "Mine never ripen."),
    ]
    assert [t.parent for t in page.threads] == [None, 0, 1, None]


def test_a_name_that_begins_like_a_weekday_is_not_part_of_the_time() -> None:
    names = ["Satish", "Tipping Monkey", "Sunny Day", "Fridolin"]
    page = parse_page(_name_on_date_page([(name, "A comment of some words.") for name in names]))
    assert [(c.author, c.posted_text) for c in page.comments] == [
        (name, f"11.06.12 at 10:{k:02d} am") for k, name in enumerate(names)
    ]
    assert find_time("Sat, Nov 3, 2012") == (0, 16)
    assert find_time("Satish Nov 3, 2012") == (7, 18)


def _flat_thread(said: list[tuple[str, int, str]], day: str = "July 7, 2012") -> str:
    """A page of `NAME on DATE` headers, no indentation: (name, minute, body) in page order."""
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    for name, minute, body in said:
        lines += ["", f"{name} on {day} at 10:{minute:02d} am", "", body, ""]
    return "\n".join(lines)


# A page whose dates show no year (and no crawl time lends one) stores no times, yet their
# order still shows the replies
@pytest.mark.parametrize("day", ["July 7, 2012", "Saturday, July 7"])
def test_a_flattened_thread_shows_its_replies_by_time_order(day: str) -> None:
    # Threads oldest first, each listed depth first: a comment that a later one predates
    # cannot be top-level. Bob's and Cy's replies predate Di; Fay's predates Gus.
    page = parse_page(
        _flat_thread(
            [
                ("Ann Lee", 0, "A first comment of some words."),
                ("Bob Ray", 20, "An answer to the first one."),
                ("Cy Dee", 30, "An answer to that answer."),
                ("Ed Fox", 25, "Another answer to the first one."),
                ("Di Eng", 10, "A second comment of some words."),
                ("Fay Gum", 40, "An answer to the second one."),
                ("Gus Ho", 15, "A third comment of some words."),
                ("Hal Ida", 50, "A last comment, nothing after it."),
            ],
            day,
        )
    )
    assert [t.parent for t in page.threads] == [None, 0, 1, 0, None, 4, None, None]
    # the page does not show these parents: time order is an inference
    assert {t.resolution for t in page.threads if t.parent is not None} == {"inferred"}


def test_newest_thread_first_shows_its_replies_by_time_order() -> None:
    # The same, mirrored: top-level comments newest first, so one posted after a comment
    # above it is a reply.
    page = parse_page(
        _flat_thread(
            [
                ("Ann Lee", 50, "The newest comment of some words."),
                ("Bob Ray", 55, "An answer to the newest one."),
                ("Cy Dee", 20, "An older comment of some words."),
                ("Di Eng", 10, "The oldest comment of some words."),
                ("Ed Fox", 30, "An answer to the oldest one."),
                ("Fay Gum", 35, "An answer to that answer."),
                ("Gus Ho", 5, "The first comment of all."),
            ]
        )
    )
    assert [t.parent for t in page.threads] == [None, 0, None, None, 3, 4, None]


def test_comments_in_time_order_show_no_replies() -> None:
    said = [(name, minute, "A comment of some words.") for minute, name in enumerate("ABCD")]
    page = parse_page(_flat_thread([(f"{n} Lee", m, b) for n, m, b in said]))
    assert [t.parent for t in page.threads] == [None] * 4


def test_a_name_before_a_double_hyphen_names_the_parent() -> None:
    page = parse_page(
        _name_on_date_page(
            [
                ("Kristi Sanders", "A comment of some words."),
                ("Bo Ray", "Another comment of some words."),
                ("Ed Fox", "Kristi -- LOVE IT. I had not seen that one."),
            ]
        )
    )
    assert [t.parent for t in page.threads] == [None, None, 0]


def test_a_first_name_names_the_handle_it_opens() -> None:
    page = parse_page(
        _name_on_date_page(
            [
                ("EricTTung", "A comment of some words."),
                ("Melanie@uprinting", "Another comment of some words."),
                ("Bo Ray", "A third comment of some words."),
                ("Ed Fox", "Eric, cool. I think so too."),
                ("Ed Fox", "Melanie - thanks for that."),
                ("Cy Dee", "Okay, I see. No one named here."),
            ]
        )
    )
    assert [t.parent for t in page.threads] == [None, None, None, 0, 1, None]


def test_a_reply_answers_no_comment_posted_after_it() -> None:
    # Bob names Tim, whose only comment above was posted after Bob's: Bob addresses the
    # writer of the post, not that comment. Cy names Ann, who wrote before and after Cy.
    page = parse_page(
        _flat_thread(
            [
                ("Ann Lee", 0, "A first comment of some words."),
                ("Tim Ray", 40, "An answer to the first one."),
                ("Ann Lee", 45, "A word back to Tim."),
                ("Bob Fox", 10, "Tim, you are right about all of this."),
                ("Cy Dee", 20, "Ann, what a thing to say."),
            ]
        )
    )
    assert [t.parent for t in page.threads] == [None, 0, 1, None, 0]


def test_a_quoted_source_opening_the_article_is_no_byline() -> None:
    lines = ["The Bridge Will Be Rebuilt", "", "“It will last a century,” says Jane Roe.", ""]
    lines += ["The work will take two years and cost more than planned.", ""]
    lines += ["", "", "", "", "Ann Lee July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Second.", ""]
    assert parse_page("\n".join(lines)).byline is None


def test_a_dated_byline_may_show_a_pen_name() -> None:
    lines = ["The Canteen Awards", "", "The contest is open to everyone this year.", ""]
    lines += ["Entries close in a month.", "", "by A Photo Editor on November 12, 2012", ""]
    lines += ["", "", "", "", "Ann Lee July 7, 2012 at 10:00 am", "", "First.", ""]
    lines += ["Bob Ray July 7, 2012 at 10:05 am", "", "Second.", ""]
    page = parse_page("\n".join(lines))
    assert (page.title, page.byline) == ("The Canteen Awards", "A Photo Editor")
    prose = parse_page("A Title Line\n\nThe vote was won by A Landslide Party.\n")
    assert prose.byline is None


@pytest.mark.parametrize(
    ("line", "title"),
    [
        (
            "Conversation with my readers, 29 June 2012",
            "Conversation with my readers, 29 June 2012",
        ),
        ("I have not gone into hiding 29 August, 2011", "I have not gone into hiding"),
    ],
)
def test_a_date_after_a_comma_is_part_of_the_title(line: str, title: str) -> None:
    page = parse_page(f"{line}\n\nThe article says something long enough to be prose here.\n")
    assert page.title == title


def test_a_first_line_that_is_an_earlier_commenters_name_alone_names_the_parent() -> None:
    page = parse_page(
        _name_on_date_page(
            [
                ("txdave22", "A comment of some words."),
                ("Bo Ray", "Another comment of some words."),
                ("Ed Fox", "TXDAVE22\n\n    That is only true the night before."),
                ("Cy Dee", "Ed Fox was right\n\n    No one is named alone above."),
            ]
        )
    )
    assert [t.parent for t in page.threads] == [None, None, 0, None]


def test_a_pingback_with_a_long_or_dated_title_is_read_over_its_date_line() -> None:
    long_title = "Day 4: Master new skills quickly and avoid the one pitfall that wastes your time"
    lines = ["A Post About Gardens", "", "Tomatoes need sun. Lots of it, every day.", ""]
    lines += ["Tom Smith says:", "October 29, 2012 at 1:49 am", "", "I grow mine in pots.", ""]
    lines += [f"{long_title} | The Last Light says:", "October 31, 2012 at 9:32 pm", ""]
    lines += ["[...] Day 4: Master new skills [...]", ""]
    lines += ["The Noticeboard (18 October 2012) | Schooled says:", "October 18, 2012 at 11:01 pm"]
    lines += ["", "[...] Why focus is the key [...]", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.posted_text, c.kind) for c in page.comments] == [
        ("Tom Smith", "October 29, 2012 at 1:49 am", "comment"),
        (f"{long_title} | The Last Light", "October 31, 2012 at 9:32 pm", "trackback"),
        (
            "The Noticeboard (18 October 2012) | Schooled",
            "October 18, 2012 at 11:01 pm",
            "trackback",
        ),
    ]


def test_a_lowercase_handle_opening_a_body_names_the_parent() -> None:
    page = parse_page(
        _name_on_date_page(
            [
                ("boborci", "A comment of some words."),
                ("Bo Ray", "Another comment of some words."),
                ("Ed Fox", "boborci If you do not answer, we will know."),
                ("Cy Dee", "maybe Someone will answer; no handle here."),
            ]
        )
    )
    assert [t.parent for t in page.threads] == [None, None, 0, None]


def test_thanks_to_an_earlier_commenter_answers_that_comment() -> None:
    # Thanking a reader by name answers that reader's comment; greeting one ("Hi Bo,") does
    # not (readers greet the post's writer so), nor does thanking no commenter.
    page = parse_page(
        _name_on_date_page(
            [
                ("Tony Zambito", "A comment of some words."),
                ("Melanie@uprinting", "Another comment of some words."),
                ("Bo Ray", "A third comment of some words."),
                ("Ed Fox", "Thanks Tony!"),
                ("Ed Fox", "Thank you Melanie - I agree."),
                ("Cy Dee", "Hi Bo, a word of my own."),
                ("Di Eng", "Thanks for the post, it helped."),
                ("Fay Gee", "Thank you Bo for saying so."),
            ]
        )
    )
    assert [t.parent for t in page.threads] == [None, None, None, 0, 1, None, None, 2]


def test_a_dated_posted_by_line_under_the_article_is_its_byline() -> None:
    # The post's footer, with trackbacks after it: more than a few lines above the comments.
    lines = ["My Favorite Graphs", "", "The article says something long enough to be prose.", ""]
    lines += [f"Paragraph {k} of the article, also long enough to be prose." for k in range(9)]
    lines += ["", "Posted by Kathy on April 6, 2007  Permalink", "TrackBack", ""]
    lines += ["TrackBack URL for this entry:", "http://example.com/trackback/6a00d8", ""]
    lines += ["Listed below are links to weblogs that reference My Favorite Graphs:", ""]
    lines += ["Some more links to other posts", "And another line of links", ""]
    lines += ["", "", "I enjoyed this post, thank you.", ""]
    lines += ["Posted by: Ann Lee | April 6, 2007 at 08:11 PM", "", "Me too.", ""]
    lines += ["Posted by: Bob Ray | April 6, 2007 at 09:11 PM", ""]
    page = parse_page("\n".join(lines))
    assert [c.author for c in page.comments] == ["Ann Lee", "Bob Ray"]
    assert page.byline == "Kathy"
    assert page.published_at is not None
    assert page.published_at.date().isoformat() == "2007-04-06"
    quoted = parse_page("\n".join([*lines[:13], "Posted by a reader of the blog, no date.", ""]))
    assert quoted.byline is None


def test_a_name_cut_short_with_dots_fits_the_pages_footer_template() -> None:
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "", "Great work.", "", "by Ann Lee on Aug 9, 2012 10:40 AM EDT    "]
    lines += ["Which corner starts?", "", "by TheCloser... on Aug 9, 2012 10:41 AM EDT    "]
    lines += ["Nobody knows.", "", "by zone3nole on Aug 9, 2012 12:22 PM EDT    "]
    lines += ["Agreed.", "", "by dora on Aug 9, 2012 12:40 PM EDT    "]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.body) for c in page.comments] == [
        ("Ann Lee", "Great work."),
        ("TheCloser...", "Which corner starts?"),  # as shown: the dots say it is cut short
        ("zone3nole", "Nobody knows."),
        ("dora", "Agreed."),
    ]


def test_pingback_lines_closing_a_page_are_its_trackbacks() -> None:
    article = "A Title Line\n\nThe article says something long enough to be prose.\n\n"
    page = parse_page(article + "\nPingback: | A Community Starts Here | some-blog\n\n")
    assert [(c.author, c.kind, c.body) for c in page.comments] == [
        ("A Community Starts Here | some-blog", "trackback", "")
    ]
    assert page.comment_rendering == "generic"
    # The words in a sentence, or a pingback line the article goes on after, are article text.
    for text in (
        article + "Pingback: a word for a link back to a post.\n\nMore prose follows here.\n",
        article + "Nobody sent a pingback: the post is new.\n",
    ):
        assert parse_page(text).comments == []


def test_a_profile_block_under_each_body_names_it_and_the_date_above_times_it() -> None:
    # "DATE / body / NAME / Total Comments (N)": a lone date opens the first body and a
    # profile block with no date under it closes the last; read as headers, every author
    # would be shifted by one.
    lines = ["A Title Line", "", "The article says something long enough to be prose.", ""]
    lines += ["", "", "", "November 12, 2012  01:17 PM ET", "", "A first comment of some words."]
    lines += ["1", "", "", "Ann Lee", "", "Total Comments (1465)", "November 12, 2012  01:42 PM ET"]
    lines += ["", "A second comment of some words.", "2", "", "", "Bob Ray", "", "Springfield, TX"]
    lines += ["", "Total Comments (16)", "November 12, 2012  01:45 PM ET", "", "A third comment."]
    lines += ["3", "", "", "Cy Dee", "", "Total Comments (3)", ""]
    page = parse_page("\n".join(lines))
    assert [(c.author, c.posted_text, c.body) for c in page.comments] == [
        ("Ann Lee", "November 12, 2012  01:17 PM ET", "A first comment of some words."),
        ("Bob Ray", "November 12, 2012  01:42 PM ET", "A second comment of some words."),
        ("Cy Dee", "November 12, 2012  01:45 PM ET", "A third comment."),
    ]


def test_one_indented_name_and_paragraph_set_apart_at_the_page_end_is_a_comment() -> None:
    article = "A Title Line 22Oct12\n\nThe article says something long enough to be prose.\n\n"
    article += "    By the pricking of my thumbs,\n    Something wicked this way comes.\n"
    page = parse_page(article + "\n\n\n\n\n    thekar\n\n    Like it, still nice.\n\n")
    assert [(c.author, c.body) for c in page.comments] == [("thekar", "Like it, still nice.")]
    assert "Like it" not in " ".join(b.text for s in page.sections for b in s)
    # Not set apart by a wide gap, a heading or a sentence over it, or a stanza: article text.
    for ending in (
        "\n    thekar\n\n    Like it, still nice.\n",
        "\n\n\n\n    Comments\n\n    Nobody has said anything yet.\n",
        "\n\n\n\n    It ends here.\n\n    And a last line of the poem.\n",
        "\n\n\n\n    The Raven\n    Once upon a midnight dreary, while I pondered.\n",
    ):
        assert parse_page(article + ending).comments == []


TRACKBACKS = """A Statement
Posted by Kathy on April 2, 2007


The statement itself, long enough to be read as the article's prose.

URL for this entry:
http://www.example.com/services/trackback/6a00d83451b4

Listed below are links to weblogs that reference A Statement:

» Statement by Two Writers Regarding the Firestorm from Tips, and Ideas
Two writers have posted a coordinated statement. [Read More]

Tracked on Apr 2, 2007 8:49:51 AM

» Lessons from the Firestorm from The View From My Feet
So, it looks like the firestorm may be over. [Read More]

Tracked on Apr 3, 2007 8:49:06 AM
"""


def test_trackbacks_that_are_a_pages_only_answers_are_its_comments() -> None:
    # "» TITLE from BLOG / excerpt / Tracked on DATE": the blog is the trackback's author
    page = parse_page(TRACKBACKS)
    assert [(c.author, c.kind, c.posted_text, c.body[:23]) for c in page.comments] == [
        ("Tips, and Ideas", "trackback", "Apr 2, 2007 8:49:51 AM", "Two writers have posted"),
        ("The View From My Feet", "trackback", "Apr 3, 2007 8:49:06 AM", "So, it looks like the f"),
    ]


def test_trackbacks_above_a_pages_comments_are_not_comments() -> None:
    comments = "\n".join(
        f"A comment of some words, number {n}.\n\nPosted by: Reader {n} | April 0{n}, 2007 at "
        f"0{n}:15 PM\n"
        for n in range(3, 6)
    )
    page = parse_page(TRACKBACKS + "\nComments\n\n" + comments)
    assert [(c.author, c.kind) for c in page.comments] == [
        ("Reader 3", "comment"),
        ("Reader 4", "comment"),
        ("Reader 5", "comment"),
    ]


@pytest.mark.parametrize(
    ("shown", "when"),
    [
        ("4 Nov 12 at 11:22 pm", datetime(2012, 11, 4, 23, 22, tzinfo=UTC)),
        ("August 9, 2012 at 12:45 pm (UTC -4)", datetime(2012, 8, 9, 12, 45, tzinfo=UTC)),
    ],
)
def test_a_date_line_under_a_name_line_is_read_whole(shown: str, when: datetime) -> None:
    # A two-digit year after a day and a month, a zone given as an offset: both belong to
    # the time, and the line above is the name.
    page = parse_page(ARTICLE + GAP + f"Modest Money\n{shown}\n\nI would help pay for it.\n")
    assert [(c.author, c.posted_text, c.posted_at) for c in page.comments] == [
        ("Modest Money", shown, when)
    ]


def test_a_number_in_brackets_before_a_name_is_not_part_of_it() -> None:
    page = parse_page(ARTICLE + GAP + "(1) Mike says:\n\n    Wow, that inspired me.\n")
    assert [c.author for c in page.comments] == ["Mike"]


@pytest.mark.parametrize(
    ("head", "title", "byline"),
    [
        # a weekday's full date run into a teaser is a dateline; the headline is below it
        (
            "Thursday, October 11th, 2012 Company produces licensed pieces, including modern "
            "icons and new classics\n"
            "Get To Know the Company",
            "Get To Know the Company",
            None,
        ),
        # the comment counter beside the headline
        ("Is Today The Day You Build It? 153 Comments", "Is Today The Day You Build It?", None),
        # the cell after a tab is the headline's date
        ("A Shirt Inspired by a Play\t22Oct12", "A Shirt Inspired by a Play", None),
        # a bullet before "Posted by", a role after "//"
        (
            "An Update Adds Integration\n\n+ Posted by Jane Roe // Executive Producer, Studio",
            "An Update Adds Integration",
            "Jane Roe",
        ),
        # the comment counter after the name
        (
            "A Layered Template\nPosted in Freebies August 9th, 2012 By eStudio Staff 1 Comment",
            "A Layered Template",
            "eStudio Staff",
        ),
    ],
)
def test_a_headers_dates_bullets_and_counters_stay_out_of_title_and_byline(
    head: str, title: str, byline: str | None
) -> None:
    page = parse_page(head + "\n\n" + ARTICLE.split("\n", 1)[1])
    assert (page.title, page.byline) == (title, byline)


def test_a_name_that_is_a_months_abbreviation_is_not_part_of_the_date() -> None:
    # A date shows one month: in "2 Jan November 8, 2012" the "Jan" is the name
    names = ["Teresa S", "Jan", "Beth", "June Lee"]
    section = "\n\n".join(
        f"{n + 1} {name} November 8, 2012 at 10:{n}5 AM\n\n    Comment number {n} of some words."
        for n, name in enumerate(names)
    )
    page = parse_page(ARTICLE + GAP + section + "\n")
    assert [c.author for c in page.comments] == names


def test_a_date_over_the_text_ending_the_page_after_a_wide_gap_is_an_unsigned_comment() -> None:
    text = "As a former curler, I will admit to having watched archery. Once, maybe twice."
    page = parse_page(ARTICLE + GAP + f"Aug 6, 2012\n5:06 pm EDT\n\n{text}\n")
    assert [(c.author, c.posted_text, c.body) for c in page.comments] == [
        ("", "Aug 6, 2012 5:06 pm EDT", text)
    ]
    assert page.comments[0].posted_at == datetime(2012, 8, 6, 17, 6, tzinfo=UTC)


def test_a_dated_paragraph_closing_the_article_without_a_gap_stays_in_it() -> None:
    page = parse_page(
        ARTICLE + "\nAug 6, 2012\n\nThe results were posted after the meeting ended.\n"
    )
    assert page.comments == []


@pytest.mark.parametrize("subject", ["", "Cheaper Servers by Choosing Well\n\n"])
def test_text_after_a_gap_wider_than_the_articles_is_its_one_unsigned_comment(
    subject: str,
) -> None:
    # No name, no date: only the gap, wider than any inside an article, sets it apart (the
    # article's title over it is the comment's subject, not its text)
    text = "As a long time resident, seeing my village in ruins is just devastating."
    page = parse_page(ARTICLE + "\n" * 7 + subject + text + "\n")
    assert [(c.author, c.posted_text, c.body) for c in page.comments] == [("", None, text)]


def test_a_last_paragraph_after_a_narrower_gap_stays_in_the_article() -> None:
    text = "As a long time resident, seeing my village in ruins is just devastating."
    page = parse_page(ARTICLE + GAP + text + "\n")  # five blank lines
    assert page.comments == []
    assert text in [b.text for section in page.sections for b in section]


def test_an_earlier_comments_sentence_repeated_alone_then_answered_names_it() -> None:
    said = [
        ("Ann Lee", 0, "More spending on roads? What part of broke do these people not get?"),
        ("Bob Ray", 5, "Their pay depends on not understanding it, so it will go on."),
        ("Cy Dee", 7, "What part of broke do these people not get?\n\nThe part about stopping."),
    ]
    page = parse_page(_flat_thread(said))
    assert [t.parent for t in page.threads] == [None, None, 0]


def test_a_slashdot_header_with_a_spelled_out_address_is_a_header() -> None:
    section = (
        "by alpha (1234) on Monday July 23, @09:16PM (#40744375)\n"
        "A first comment of some words.\n"
        "    by beta (2345) <<beta> <at> <gmail.com>> on Monday July 23, @11:51PM (#40745273)"
        " Homepage\n"
        "    A reply to the first one.\n"
        "        by gamma (3456) <gamma@example.com> on Monday July 23, @11:55PM (#40745280)\n"
        "        A reply to the reply.\n"
    )
    page = parse_page(ARTICLE + GAP + section)
    assert [c.author for c in page.comments] == ["alpha", "beta", "gamma"]
    assert [t.parent for t in page.threads] == [None, 0, 1]


def _signed_below(comments: list[tuple[str, str]]) -> str:
    """A page whose comments are signed below their text: `by NAME on DATE` closing each."""
    section = "".join(
        f"{body}\n\nby {name} on Aug 8, 2012 5:{20 + i:02d} PM PDT    \n"
        for i, (name, body) in enumerate(comments)
    )
    return ARTICLE + GAP + section


def test_a_name_without_letters_in_the_recurring_signature_is_a_name() -> None:
    page = parse_page(
        _signed_below(
            [
                ("alpha", "The first comment's few words."),
                ("beta", "Another comment here, a bit longer."),
                ("4-6-3", "The Hype\n\nReminded me of an earlier pitcher."),
                ("gamma", "A last word on the game."),
            ]
        )
    )
    assert [c.author for c in page.comments] == ["alpha", "beta", "4-6-3", "gamma"]
    assert page.comments[2].body.startswith("The Hype")
    assert page.comments[1].body == "Another comment here, a bit longer."


def test_this_alone_opening_a_comment_is_what_it_says() -> None:
    """A lone "This" is agreement, not a button ("Like this", "Share this")."""
    page = parse_page(
        _signed_below(
            [
                ("alpha", "The first comment's few words."),
                ("beta", "This\n\nit really is an advantage with that outfield."),
                ("gamma", "A last word on the game."),
            ]
        )
    )
    assert page.comments[1].body.startswith("This\n\nit really is")


def test_eval_matches_a_short_annotated_body_by_the_comment_it_opens(tmp_path: Path) -> None:
    """An annotated body shorter than the match key ("Heh") is the comment that starts with
    it, not an earlier one that merely holds the word (here one the annotation leaves out)."""
    text = _signed_below(
        [
            ("alpha", "I said heh at the time, and meant it."),
            ("beta", "Heh\n\nThat was quite a game."),
        ]
    )
    (tmp_path / "1.txt").write_text(text, encoding="utf-8")
    beta = {"author": "beta", "posted": "Aug 8, 2012 5:21 PM PDT", "body": "Heh"}
    annotation = {
        "page": "1.txt",
        "rendering": "other",
        "title": "Cheaper Servers by Choosing Well",
        "byline": None,
        "published": None,
        "boundary": text.count("\n", 0, text.index("I said heh")) + 1,
        "comments": [{**beta, "parent": None, "kind": "comment"}],
    }
    (tmp_path / "1.expected.json").write_text(json.dumps(annotation), encoding="utf-8")
    tally = score_pages([tmp_path / "1.expected.json"]).overall
    assert (tally.found, tally.authors, tally.times) == (1, 1, 1)


def test_a_short_line_closing_on_an_earlier_commenters_name_answers_them() -> None:
    said = [
        ("Nico", 0, "The bullpen held the lead for once, which is the story of the night."),
        ("Ann", 5, "A good start from the new pitcher too."),
        ("Rudi", 7, "You nailed it Nico\n\nThe pen has been the difference all month."),
        ("Tim", 9, "Hey Ann\n\nHappy birthday to the team, a good season so far."),
    ]
    page = parse_page(_flat_thread(said))
    assert page.threads[2].parent == 0
    assert page.threads[3].parent is None  # a greeting, as readers greet the post's writer


BRIDGE = (
    "Harbour Bridge Reopens\n\nThe bridge reopened on Monday after two years of repairs, "
    "the council said.\n\nTraffic was light in the morning.\n\n"
)
POSTERS = [
    ("Jamie Wayne", "November 7th, 2012", "Well done on this project, it reads well."),
    ("Luke", "November 8th, 2012", "Great work, very good for the city."),
    ("Sean Daly", "November 9th, 2012", "I drove over it today and it was quiet."),
    ("Mary", "November 10th, 2012", "About time they finished it."),
]


def test_forum_profiles_name_the_poster_not_their_post_count() -> None:
    """A forum post's header: the name, a rank, fields of the profile (one a date) and a post
    count, then "Posted: DATE". The name is the block's top, past the joined date; the
    count beside the time is no name."""
    posts = [
        f"{name}\nMember\nJoined: Mar 2009\nPosts: {30 + i}\nPosted: {when}\n{body}\nBack to top"
        for i, (name, when, body) in enumerate(POSTERS)
    ]
    page = parse_page(BRIDGE + "\n\n".join(posts) + "\n")
    assert [c.author for c in page.comments] == [name for name, _, _ in POSTERS]
    assert [c.posted_text for c in page.comments] == [when for _, when, _ in POSTERS]
    assert page.comments[1].body.startswith("Great work")


def test_a_reply_subject_between_the_poster_and_the_time_is_no_name() -> None:
    """A forum reply's header: the name, a rank, a post count, the reply's subject ("Re: "
    and the thread's), then the time. The poster is above the subject, and the subject is
    in neither the header's name nor the comment before it."""
    posts = [
        f"{name}\nFull Member\nPosts: {30 + i}\nRe: Harbour Bridge Reopens\n"
        f"« Reply #{i + 1} on: {when}, 10:0{i}:00 AM »\n{body}"
        for i, (name, when, body) in enumerate(POSTERS)
    ]
    page = parse_page(BRIDGE + "\n\n".join(posts) + "\n")
    assert [c.author for c in page.comments] == [name for name, _, _ in POSTERS]
    assert [c.body for c in page.comments] == [body for _, _, body in POSTERS]
    assert page.comments[2].posted_at == datetime(2012, 11, 9, 10, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    "footer",
    [
        "{when}\nReply Like",  # the date, then a line of buttons
        "Reply · Like · {likes} · Follow Post · {when} at 9:1{likes} am",  # buttons, then the date
    ],
)
def test_a_name_over_the_body_and_a_date_under_it_with_buttons(footer: str) -> None:
    """ "NAME / body / DATE" with buttons beside or under the date, and badges beside the
    name: the name opens the comment and the date closes it, never the next comment's name."""
    posts = [
        f"{name} · Top Commenter\n{body}\n" + footer.format(when=when, likes=i)
        for i, (name, when, body) in enumerate(POSTERS)
    ]
    page = parse_page(BRIDGE + "4 Comments\n\n" + "\n\n".join(posts) + "\n")
    assert [c.author for c in page.comments] == [name for name, _, _ in POSTERS]
    assert [c.body for c in page.comments] == [body for _, _, body in POSTERS]
    assert [c.posted_at.date() if c.posted_at else None for c in page.comments] == [
        date(2012, 11, day) for day in (7, 8, 9, 10)
    ]


# Comment headers the sample pages do not show, by what each shows: "{name}", "{when}" (a
# date), "{body}" and "{i}" (the comment's index) are filled in for each of POSTERS.
SHAPES = {
    "a name in quote marks": '"{name}" says:\n{when} at 9:1{i} am\n{body}\nReply',
    "a name and date in brackets signing the body": "{body}\n({name}, {when})",
    "At DATE, NAME wrote:": "At {when} 9:1{i} AM, {name} wrote:\n{body}",
    "a Member since field between the name and the date": (
        "{name}\nMember since 201{i}\n{when}\n{body}"
    ),
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_headers_of_other_shapes_name_each_poster(shape: str) -> None:
    posts = [
        shape.format(name=name, when=when, body=body, i=i)
        for i, (name, when, body) in enumerate(POSTERS)
    ]
    page = parse_page(BRIDGE + "4 Comments\n\n" + "\n\n".join(posts) + "\n")
    assert [c.author for c in page.comments] == [name for name, _, _ in POSTERS]
    assert [c.body for c in page.comments] == [body for _, _, body in POSTERS]


def test_a_related_posts_list_is_neither_article_nor_a_comment() -> None:
    """ "You might also like:" closing the article and "Related Posts" after the comments
    are the site's, not the writer's text nor a commenter's name."""
    posts = [f"{name}\n{body[:-1]}!\n{when}\nReply Like" for name, when, body in POSTERS]
    page = parse_page(
        BRIDGE
        + "You might also like:\n\n\n4 Comments\n\n"
        + "\n\n".join(posts)
        + "\n\nRelated Posts\n\nWhy the market fell again\nOctober 3, 2012\n"
    )
    assert [b.text for s in page.sections for b in s][-1] == "Traffic was light in the morning."
    assert [c.author for c in page.comments] == [name for name, _, _ in POSTERS]


def test_a_count_after_every_name_in_one_unit_is_a_score_not_the_name() -> None:
    """ "NAME 166 points 4 hours ago" on every header: the points are the comment's score."""
    scored = [
        f"[–] {name} {n} point{'s' if n != 1 else ''} {i + 2} hours ago\n\n{body}\n\nreply"
        for i, ((name, _, body), n) in enumerate(zip(POSTERS, [166, 1, 38, 49], strict=True))
    ]
    page = parse_page(BRIDGE + "\n\n".join(scored) + "\n")
    assert [c.author for c in page.comments] == [name for name, _, _ in POSTERS]


def test_one_name_ending_in_a_number_and_word_keeps_them() -> None:
    """Only a count on every header is a score: one name of that shape is a name."""
    names = ["Route 66 Diner", "Luke", "Sean Daly", "Mary"]
    lines = [
        f"{name} on {when}\n{body}" for name, (_, when, body) in zip(names, POSTERS, strict=True)
    ]
    page = parse_page(BRIDGE + "\n\n".join(lines) + "\n")
    assert [c.author for c in page.comments] == names


def test_a_three_word_name_before_a_date_in_brackets_is_a_header() -> None:
    """ "Jim Thompson MD (October 22, 2012 9:02 AM)": a name, not a citation's title."""
    names = ["Jim Thompson MD", "Luke", "web design company", "Mary"]
    lines = [
        f"{name} ({when} 9:0{i} AM)\n{body}"
        for i, (name, (_, when, body)) in enumerate(zip(names, POSTERS, strict=True))
    ]
    page = parse_page(BRIDGE + "\n\n".join(lines) + "\n")
    assert [c.author for c in page.comments] == names


def test_one_commenter_throughout_is_read_when_no_other_template_recurs() -> None:
    """One name on every header marks a label only when another recurring template names
    several people: a thread of one person's comments is still read (not the article's lone
    "NAME at TIME" line)."""
    article = BRIDGE + "Tom Reid at 3:00 AM\n\nHe was the first to drive across.\n\n"
    headers = [f"Mary on {when}\n{body}" for _, when, body in POSTERS]
    page = parse_page(article + "\n\n".join(headers) + "\n")
    assert [c.author for c in page.comments] == ["Mary"] * len(POSTERS)
    assert page.comments[0].body == POSTERS[0][2]


def test_the_heading_over_comments_signed_after_their_bodies_leaves_the_article() -> None:
    """ "4 Comments" above a thread whose names and dates follow each body opens the comment
    section: it is not the article's last paragraph."""
    posts = [f"{body}\nPosted by {name} on {when}" for name, when, body in POSTERS]
    page = parse_page(BRIDGE + "4 Comments\n\n" + "\n\n".join(posts) + "\n\nLeave a Reply\n")
    assert [c.author for c in page.comments] == [name for name, _, _ in POSTERS]
    assert [b.text for s in page.sections for b in s][-1] == "Traffic was light in the morning."


def test_a_divider_after_a_wide_gap_is_no_unsigned_comment() -> None:
    """ "* * *" ending the page after a wide gap has no word in it: a divider, not a comment
    (and not an author-less comment the reader would show)."""
    page = parse_page(ARTICLE + "\n" * 7 + "* * *\n")
    assert page.comments == []
