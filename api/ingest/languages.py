"""Comment threads in other languages than English (French, German, Spanish, Italian,
Portuguese and Dutch): their dates, and the words of their headers, buttons and reply forms.
Dates: month names and the words such dates are written with ("12. März 2012 um 14:02 Uhr",
"12 de marzo de 2012 a las 14:02", "12 mars 2012 à 14 h 02"). `find_time` finds them (a day,
the month's name, a year); `in_english` rewrites one in English words for the readers of
English dates. Pure.

Only a day-first date with its year is read: it opens with a digit, where a time may open
anyway, and a month's name between a day and a year is a date in any language. Abbreviations
that are English words ("set", "out", "ago", "mag", "gen") are left out. A time ago ("vor 2
Stunden", "2 ore fa") is found at its number too; `ago` tells how long before the crawl it is.
"""

from __future__ import annotations

import re
from typing import Final

from api.ingest.patterns import alternation

ENGLISH: Final = (
    "January February March April May June July August September October November December"
).split()

# Each language's names for the twelve months, the full name first, then the other spellings
# and abbreviations pages show (with and without accents).
_NAMES: Final = {
    "fr": (
        "janvier janv",
        "février fevrier févr fevr",
        "mars",
        "avril avr",
        "mai",
        "juin",
        "juillet juil",
        "août aout",
        "septembre",
        "octobre",
        "novembre",
        "décembre decembre déc",
    ),
    "de": (
        "januar jänner jän",
        "februar",
        "märz maerz mär mrz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober okt",
        "november",
        "dezember dez",
    ),
    "es": (
        "enero ene",
        "febrero",
        "marzo",
        "abril abr",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre setiembre",
        "octubre",
        "noviembre",
        "diciembre dic",
    ),
    "it": (
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno giu",
        "luglio lug",
        "agosto",
        "settembre sett",
        "ottobre ott",
        "novembre",
        "dicembre dic",
    ),
    "pt": (
        "janeiro",
        "fevereiro fev",
        "março marco",
        "abril abr",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro dez",
    ),
    "nl": (
        "januari",
        "februari",
        "maart mrt",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober okt",
        "november",
        "december",
    ),
}

# Every other language's month name (lowercase) -> its number, English's own names left out
MONTHS: Final = {
    name: number
    for months in _NAMES.values()
    for number, names in enumerate(months, start=1)
    for name in names.split()
    if name not in {e.lower() for e in ENGLISH}
}

# A month's name, a whole word (a dot may close an abbreviation)
MONTH: Final = rf"(?:{alternation(sorted(MONTHS))})(?![^\W\d_])"
# "12 mars 2012", "12. März 2012", "12 de marzo de 2012", "12 mars, 2012"
DATE: Final[str] = (
    rf"\d{{1,2}}\.?\s{{1,3}}(?:de\s{{1,3}})?{MONTH}\.?,?\s{{1,3}}(?:de\s{{1,3}})?[1-9]\d{{3}}"
)
# The clock's other shapes: "14h02", "14 h 02 min" (French); "14:02 Uhr" (German)
CLOCK_H: Final = r"\d{1,2}\s?h\s?\d{2}(?:\s?min\b)?"
CLOCK_SUFFIX: Final = r"(?:\s{1,2}uhr\b)?"

# How long ago: "il y a 2 heures", "vor 2 Stunden", "hace 2 horas", "há 2 horas" (the words
# before the number); "2 ore fa", "2 uur geleden" (after the unit)
AGO_BEFORE: Final = ("il y a", "vor", "hace", "há")
AGO_AFTER: Final = ("fa", "geleden")
UNIT_SECONDS: Final = {
    name: seconds
    for seconds, names in (
        (1, "seconde secondes sekunde sekunden segundo segundos secondo secondi seconden"),
        (60, "minute minutes minuten minuto minutos minuti minuut"),
        (3600, "heure heures stunde stunden hora horas ora ore uur"),
        (86400, "jour jours tag tage tagen día días dia dias giorno giorni dag dagen"),
        (7 * 86400, "semaine semaines woche wochen semana semanas settimana settimane week weken"),
        (30 * 86400, "mois monat monate monaten mes meses mese mesi mês maand maanden"),
        (
            365 * 86400,
            "an ans année années jahr jahre jahren año años anno anni ano anos jaar jaren",
        ),
    )
    for name in names.split()
}
_UNIT = rf"(?:{alternation(sorted(UNIT_SECONDS))})(?![^\W\d_])"
# A time ago in find_time's tokens, opening at its number (where a time may open anyway):
# the words before it are looked behind for ("vor " before "2 Stunden") and added to the span
# by `ago_start`, the number's `AGO_GROUP` group telling that it was so found.
AGO_GROUP: Final = "ago"
_AGO_LOOKBEHIND = "|".join(rf"(?<=\b{word} )" for word in AGO_BEFORE)
AGO: Final[str] = (
    rf"(?=\d{{1,3}}\s{{1,2}}{_UNIT})"  # a number and a unit: every other number fails here
    rf"(?:(?P<{AGO_GROUP}>(?:{_AGO_LOOKBEHIND})\d{{1,3}}\s{{1,2}}{_UNIT})"
    rf"|\d{{1,3}}\s{{1,2}}{_UNIT}\s{{1,2}}(?:{alternation(AGO_AFTER)})(?![^\W\d_]))"
)
_AGO = re.compile(
    rf"(?<![^\W\d_])(?:{alternation(AGO_BEFORE)})\s{{1,2}}(?P<n>\d{{1,3}})\s{{1,2}}(?P<unit>{_UNIT})"
    rf"|(?P<n2>\d{{1,3}})\s{{1,2}}(?P<unit2>{_UNIT})\s{{1,2}}(?:{alternation(AGO_AFTER)})"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)
_DATE = re.compile(
    rf"(?P<day>\d{{1,2}})\.?\s{{1,3}}(?:de\s{{1,3}})?(?P<month>{MONTH})\.?,?\s{{1,3}}"
    r"(?:de\s{1,3})?(?P<year>[1-9]\d{3})",
    re.IGNORECASE,
)
_CLOCK_H = re.compile(r"(?P<hour>\d{1,2})\s?h\s?(?P<minute>\d{2})(?:\s?min\b)?", re.IGNORECASE)
# The words between a date and its time, and after the time ("um 14:02 Uhr")
_LINKS = re.compile(r"(?<![^\W\d_])(?:à|a las|a la|alle|às|om|um|uhr)(?![^\W\d_])", re.IGNORECASE)


def in_english(text: str) -> str | None:
    """`text` with its date in another language written in English ("12. März 2012 um 14:02
    Uhr" -> "12 March 2012 14:02"), or None when it holds no such date."""
    date = _DATE.search(text)
    if date is None:
        return None
    month = ENGLISH[MONTHS[date["month"].lower()] - 1]
    rest = _CLOCK_H.sub(lambda m: f"{m['hour']}:{m['minute']}", text[date.end() :])
    rest = " ".join(_LINKS.sub(" ", rest).split())
    english = f"{text[: date.start()]}{date['day']} {month} {date['year']}"
    return f"{english} {rest}" if rest else english


# The words of comment headers and buttons in the same languages (English's own are where
# they are read). Lowercase.

# "NAME dit :", "NAME sagt:", "NAME dice:": WordPress's "says:"
SAYS: Final = ("dit", "sagt", "dice", "disse", "zegt", "scrive")
# "NAME a dit…", "NAME schrieb…", "NAME dijo...": Blogger's "said..."
SAID: Final = ("dit", "écrit", "schrieb", "dijo", "disse", "escreveu", "zei", "schreef")
# Other ways a header says it, the auxiliary before a participle ("a écrit", "hat geschrieben")
PARTICIPLES: Final = frozenset(("dit", "écrit", "geschrieben", "detto", "scritto", "geschreven"))
AUXILIARIES: Final = frozenset(("a", "hat", "ha", "heeft"))
# The word between a name and its date: "NAME le DATE", "am", "el", "il", "op", "em"
ON: Final = ("le", "am", "el", "il", "op", "em")
# "Par NAME", "Von NAME", "Por NAME", "Door NAME": "by" before a name, an article's writer's
# or a commenter's
BY: Final = ("par", "von", "por", "door")
# Those read only as written before a commenter's name ("Von" opens names: "Von Miller")
CASED_BY: Final = frozenset(("von",))
# "Publié par NAME", "Veröffentlicht von NAME", "Publicado por NAME": the verb before "by"
PUBLISHED: Final = (
    "publié posté écrit veröffentlicht geschrieben gepostet publicado escrito pubblicato "
    "postato scritto gepubliceerd geplaatst"
).split()
# Buttons beside a comment
BUTTONS: Final = (
    "répondre repondre antworten responder rispondi beantwoorden reageren signaler melden "
    "citer zitieren citar partager teilen compartir condividi delen"
).split()
# "12 commentaires", "3 Kommentare", "5 comentarios", "2 reacties"
COMMENTS: Final = (
    "commentaires commentaire kommentare kommentar comentarios comentario commenti commento "
    "comentários comentário reacties reactie réponses réponse antworten respuestas respuesta "
    "risposte risposta respostas resposta"
).split()
# "Laisser un commentaire", "Schreibe einen Kommentar", "Deja una respuesta": the reply form
LEAVE_PHRASES: Final = (
    "laisser un commentaire",
    "laissez un commentaire",
    "laisser une réponse",
    "laissez une réponse",
    "publier un commentaire",
    "schreibe einen kommentar",
    "hinterlasse einen kommentar",
    "hinterlassen sie einen kommentar",
    "kommentar schreiben",
    "kommentar veröffentlichen",
    "deja un comentario",
    "deja una respuesta",
    "dejar un comentario",
    "deje un comentario",
    "deje una respuesta",
    "publicar un comentario",
    "lascia un commento",
    "lascia una risposta",
    "pubblica un commento",
    "deixe um comentário",
    "deixe uma resposta",
    "postar um comentário",
    "geef een reactie",
    "laat een reactie",
    "een reactie posten",
)
# One of them (any case): the first letter is tested once, before the phrases are tried
LEAVE: Final = f"(?=[{''.join(sorted({p[0] for p in LEAVE_PHRASES}))}]){alternation(LEAVE_PHRASES)}"


def ago(text: str) -> int | None:
    """How many seconds before the crawl `text` says ("vor 2 Stunden": 7200), or None."""
    found = _AGO.search(text)
    if found is None:
        return None
    count, unit = (
        (found["n"], found["unit"]) if found["n"] is not None else (found["n2"], found["unit2"])
    )
    return int(count) * UNIT_SECONDS[unit.lower()]


def ago_start(line: str, number: int) -> int:
    """Where the words before a time ago end that opens at `number` ("vor 2 Stunden")."""
    for word in AGO_BEFORE:
        start = number - len(word) - 1
        if start >= 0 and line[start : number - 1].lower() == word:
            return start
    return number
