"""Comment threads written in French, German, Spanish, Italian, Portuguese and Dutch: their
dates, the words around their names, their buttons and reply forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from api.ingest.languages import MONTHS, in_english
from api.ingest.page import parse_page
from api.ingest.times import find_time, read_time

# (as shown, the time it names)
DATES = [
    ("12 mars 2012 à 14:02", datetime(2012, 3, 12, 14, 2)),
    ("12 mars 2012 à 14 h 02 min", datetime(2012, 3, 12, 14, 2)),
    ("3 févr. 2011 à 9h15", datetime(2011, 2, 3, 9, 15)),
    ("12. März 2012 um 14:02 Uhr", datetime(2012, 3, 12, 14, 2)),
    ("1. Dezember 2010, 08:30", datetime(2010, 12, 1, 8, 30)),
    ("12 de marzo de 2012 a las 14:02", datetime(2012, 3, 12, 14, 2)),
    ("5 diciembre, 2012 a las 9:07", datetime(2012, 12, 5, 9, 7)),
    ("3 agosto 2011 alle 9:15", datetime(2011, 8, 3, 9, 15)),
    ("12 de março de 2012 às 14:02", datetime(2012, 3, 12, 14, 2)),
    ("5 maart 2012 om 10:00", datetime(2012, 3, 5, 10, 0)),
    ("17 mei 2013", datetime(2013, 5, 17)),
]


@pytest.mark.parametrize(("shown", "when"), DATES, ids=[d for d, _ in DATES])
def test_a_date_in_another_language_is_found_whole_and_read(shown: str, when: datetime) -> None:
    line = f"Anna Weber {shown}"
    span = find_time(line)
    assert span is not None
    assert line[span[0] : span[1]] == shown
    assert read_time(shown) == when


CRAWLED = datetime(2012, 11, 10, 12, 0)
# (as shown, how long before the crawl)
AGO = [
    ("il y a 3 jours", timedelta(days=3)),
    ("vor 2 Stunden", timedelta(hours=2)),
    ("Vor 3 Jahren", timedelta(days=3 * 365)),
    ("hace 10 segundos", timedelta(seconds=10)),
    ("há 5 minutos", timedelta(minutes=5)),
    ("2 ore fa", timedelta(hours=2)),
    ("3 weken geleden", timedelta(weeks=3)),
]


@pytest.mark.parametrize(("shown", "before"), AGO, ids=[a for a, _ in AGO])
def test_a_time_ago_in_another_language_is_read_against_the_crawl(
    shown: str, before: timedelta
) -> None:
    line = f"Anna Weber • {shown}"
    span = find_time(line)
    assert span is not None
    assert line[span[0] : span[1]] == shown
    assert read_time(shown, CRAWLED) == CRAWLED - before
    assert read_time(shown) is None  # no crawl time, no time


def test_the_words_of_a_time_ago_inside_other_words_are_none() -> None:
    assert find_time("a flavor 2 Stunden long") is None


def test_month_names_shared_with_english_words_are_not_dates() -> None:
    """Abbreviations that are English words ("set", "out", "ago") are left out, and a month's
    name needs a day and a year beside it."""
    assert not {"set", "out", "ago", "mag", "gen"} & MONTHS.keys()
    assert find_time("He set out for Mars, where he stayed") is None
    assert in_english("Back in mars, the 12 rovers were fine") is None


def test_english_dates_are_read_as_before() -> None:
    assert in_english("October 29, 2012 at 1:49 am") is None
    assert read_time("October 29, 2012 at 1:49 am") == datetime(2012, 10, 29, 1, 49)
    assert read_time("29 Oct 2012 14:02") == datetime(2012, 10, 29, 14, 2)


ARTICLE = (
    "Neue Brücke eröffnet\n\nDie Brücke wurde am Montag nach zwei Jahren wieder eröffnet, "
    "sagte der Rat.\n\nAm Morgen war wenig Verkehr.\n\n"
)
POSTERS = [
    ("Anna Weber", datetime(2012, 11, 7, 9, 10), "Gut gemacht, das liest sich gut."),
    ("Luc", datetime(2012, 11, 8, 10, 11), "Tolle Arbeit, sehr gut für die Stadt."),
    ("Minh Le", datetime(2012, 11, 9, 11, 12), "Ich bin heute darüber gefahren."),
    ("Dice", datetime(2012, 11, 10, 12, 13), "Wurde auch Zeit, dass sie fertig sind."),
]
FR = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
DE = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
ES = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
IT = "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"
PT = "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro"
NL = "januari februari maart april mei juni juli augustus september oktober november december"


def _when(months: str, shape: str) -> Callable[[datetime], str]:
    """A date written in `shape`: {d} the day, {m} the month's name in `months`, {y} the
    year, {t} the datetime (for its clock)."""
    return lambda t: shape.format(d=t.day, m=months.split()[t.month - 1], y=t.year, t=t)


# (heading, one comment's shape with {name}, {date} and {body}, how its date is written,
# the reply form after the thread)
THREADS = {
    "French, NAME le DATE": (
        "4 commentaires",
        "{name} le {date}\n{body}\nRépondre",
        _when(FR, "{d} {m} {y} à {t:%H:%M}"),
        "Laisser un commentaire",
    ),
    "French, signed after the body": (
        "4 commentaires",
        "{body}\nPublié par {name} le {date}",
        _when(FR, "{d} {m} {y} à {t:%H}h{t:%M}"),
        "Laisser une réponse",
    ),
    "German, NAME sagt: over the date": (
        "4 Kommentare",
        "{name} sagt:\n{date}\n{body}\nAntworten",
        _when(DE, "{d}. {m} {y} um {t:%H:%M} Uhr"),
        "Schreibe einen Kommentar",
    ),
    "Spanish, NAME dijo: over the date": (
        "4 comentarios",
        "{name} dijo:\n{date}\n{body}\nResponder",
        _when(ES, "{d} de {m} de {y} a las {t:%H:%M}"),
        "Deja una respuesta",
    ),
    "Italian, NAME scrive: over the date": (
        "4 commenti",
        "{name} scrive:\n{date}\n{body}\nRispondi",
        _when(IT, "{d} {m} {y} alle {t:%H:%M}"),
        "Lascia un commento",
    ),
    "Portuguese, NAME em DATE": (
        "4 comentários",
        "{name} em {date}\n{body}\nResponder",
        _when(PT, "{d} de {m} de {y} às {t:%H:%M}"),
        "Deixe uma resposta",
    ),
    "Dutch, NAME op DATE": (
        "4 reacties",
        "{name} op {date}\n{body}\nBeantwoorden",
        _when(NL, "{d} {m} {y} om {t:%H:%M}"),
        "Geef een reactie",
    ),
}


@pytest.mark.parametrize("thread", THREADS.values(), ids=THREADS.keys())
def test_a_thread_in_another_language_names_dates_and_ends_each_comment(
    thread: tuple[str, str, Callable[[datetime], str], str],
) -> None:
    heading, shape, written, form = thread
    posts = [shape.format(name=n, date=written(t), body=b) for n, t, b in POSTERS]
    page = parse_page(ARTICLE + heading + "\n\n" + "\n\n".join(posts) + f"\n\n{form}\n")
    assert [c.author for c in page.comments] == [name for name, _, _ in POSTERS]
    times = [
        None if c.posted_at is None else c.posted_at.replace(tzinfo=None) for c in page.comments
    ]
    assert times == [when for _, when, _ in POSTERS]
    # the buttons and the reply form are the site's: no body holds them
    assert [c.body for c in page.comments] == [body for _, _, body in POSTERS]
    assert [b.text for s in page.sections for b in s][-1] == "Am Morgen war wenig Verkehr."


def test_a_thread_dated_by_times_ago_in_german_is_read_against_the_crawl() -> None:
    posts = [
        f"{name} • vor {hours} Stunden\n{body}\nAntworten"
        for hours, (name, _, body) in zip((9, 7, 5, 3), POSTERS, strict=True)
    ]
    text = ARTICLE + "4 Kommentare\n\n" + "\n\n".join(posts) + "\n"
    page = parse_page(text, crawled_at=CRAWLED.replace(tzinfo=UTC))
    assert [c.author for c in page.comments] == [name for name, _, _ in POSTERS]
    assert [c.posted_text for c in page.comments] == [f"vor {h} Stunden" for h in (9, 7, 5, 3)]
    assert [c.posted_at for c in page.comments] == [
        (CRAWLED - timedelta(hours=h)).replace(tzinfo=UTC) for h in (9, 7, 5, 3)
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Par Jean Dupont",
        "Publié par Jean Dupont le 12 mars 2012",
        "Von Jean Dupont",
        "Veröffentlicht von Jean Dupont am 12. März 2012",
        "Por Jean Dupont",
        "Door Jean Dupont",
    ],
)
def test_an_article_signed_in_another_language_names_its_writer(line: str) -> None:
    text = (
        f"Le pont rouvre enfin\n\n{line}\n\n12 mars 2012\n\n"
        "Le pont a rouvert lundi après deux ans de travaux.\n\nLa circulation était fluide.\n"
    )
    page = parse_page(text)
    assert (page.title, page.byline) == ("Le pont rouvre enfin", "Jean Dupont")
    assert page.published_at == datetime(2012, 3, 12, tzinfo=UTC)
