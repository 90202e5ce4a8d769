"""Direct quotations: what is speech, who said it, and which comment a comment quotes.

Attribution follows the cues a reader uses, most specific first:
1. a cue after the quote: `," says Boris Reitschuster`, `," Putin recalled`, `," as Gessen puts it`;
2. a cue before it in the same sentence: `Vladimir Putin said he had “…`, `, he recalled later, "…`,
   or a colon after a name: `Ludmila envied the fact that: "…`;
3. a quote with no cue continues the previous quote of its paragraph;
4. a paragraph that is all quote belongs to the speaker of the paragraphs around it.
Pronouns resolve to the last person named before the quote. Titles of works (title case) and
scare quotes (three words or fewer with no cue) are kept, flagged, and never attributed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal, Protocol

from api.ingest.spans import Span, quote_spans
from api.ingest.speakers import (
    NAME_RUN,
    Speaker,
    clean_name,
    first_name_in,
    fold_speakers,
    last_name_in,
)

QuoteKind = Literal["speech", "title", "scare"]

VERBS = (
    r"says|said|say|recalled|recalls|recall|told|tells|explains|explained|added|adds|writes|"
    r"wrote|noted|notes|asked|asks|admitted|acknowledged|insisted|argued|claimed|claims|"
    r"continued|replied|declared|stated|states|saying|puts it|put it"
)
PRONOUNS = frozenset({"he", "she", "they", "He", "She", "They"})
WHO = rf"{NAME_RUN.pattern}|he|she|they|He|She|They"
AFTER_WHO_VERB = re.compile(rf"^[\s,]*(?:as\s+)?(?P<who>{WHO})\s+(?:later\s+)?(?P<verb>{VERBS})\b")
AFTER_VERB_WHO = re.compile(rf"^[\s,]*(?P<verb>{VERBS})\s+(?P<who>[^.,;:!?\"“”]+)")
VERB = re.compile(rf"\b(?:{VERBS})\b")
SENTENCE_END = re.compile(r"[.!?…][\"”’)]*\s+")
TITLE_CUES = re.compile(r"\b(?:called|titled|entitled|named|movie|film|book|series|song|its)\s*$")
MIN_SOURCE_CHARS = 12


@dataclass(frozen=True, slots=True)
class FoundQuote:
    """One quotation in a paragraph or comment; offsets bound the text inside the marks."""

    start: int
    end: int
    text: str
    kind: QuoteKind
    nested: bool = False
    speaker: str | None = None
    cue: str | None = None
    source_comment: int | None = None


@dataclass(slots=True)
class _Cue:
    who: str | None  # a name, a pronoun, or None when only the continuation is known
    phrase: str | None


@dataclass(slots=True)
class _Context:
    """What attribution has learnt so far while reading an article in order."""

    speakers: dict[str, Speaker]
    narration: list[str] = field(default_factory=list)
    last_speaker: str | None = None


def is_title_case(text: str) -> bool:
    """Most significant words capitalised, as in titles of works."""
    words = re.findall(r"[\w][\w'’]*", text)
    if not words or not (words[0][0].isupper() or words[0][0].isdigit()):
        return False
    significant = [w for w in words[1:] if len(w) >= 4]
    if not significant:
        return len(words) > 1 and all(w[0].isupper() for w in words)
    capitalised = sum(1 for w in significant if w[0].isupper())
    return capitalised / len(significant) >= 0.75


def sentence_start(text: str, at: int) -> int:
    """Offset where the sentence holding `at` begins."""
    start = 0
    for m in SENTENCE_END.finditer(text, 0, at):
        start = m.end()
    return start


def _after_cue(after: str) -> _Cue | None:
    sentence = SENTENCE_END.split(after, maxsplit=1)[0]
    m = AFTER_WHO_VERB.match(sentence)
    if m:
        return _Cue(m["who"], m.group(0).strip(" ,"))
    m = AFTER_VERB_WHO.match(sentence)
    if m:
        who = last_name_in(m["who"])
        if who:
            return _Cue(who, m.group(0).strip(" ,"))
    return None


def subject_of(prefix: str) -> _Cue | None:
    """Who reports in `prefix` (a sentence up to a quote): the subject of its last verb."""
    verbs = list(VERB.finditer(prefix))
    if verbs:
        verb = verbs[-1]
        before = prefix[: verb.start()].rstrip()
        phrase = _tail_words(prefix[: verb.end()], 6).strip(" ,")
        last_word = before.split()[-1] if before.split() else ""
        if last_word in PRONOUNS:
            return _Cue(last_word.lower(), f"{last_word} {verb.group(0)}")
        tail = re.search(rf"(?:{NAME_RUN.pattern})$", before)
        if tail and clean_name(tail.group(0)):
            return _Cue(clean_name(tail.group(0)), f"{tail.group(0)} {verb.group(0)}")
        if before.endswith(","):
            return _Cue(first_name_in(prefix), phrase)
        return _Cue(last_name_in(before), phrase)
    if prefix.rstrip().endswith(":"):
        return _Cue(None, _tail_words(prefix.strip(), 6))
    return None


def _tail_words(text: str, count: int) -> str:
    return " ".join(text.split()[-count:])


def classify(text: str, span: Span, has_cue: bool) -> QuoteKind:
    """speech, title of a work, or scare quote."""
    quoted = text[span.start : span.end].strip()
    before = text[: max(0, span.start - 1)]
    if TITLE_CUES.search(before) or (not has_cue and is_title_case(quoted)):
        return "title"
    words = len(quoted.split())
    if words == 1 or (not has_cue and words <= 3):
        return "scare"
    return "speech"


def _last_person(ctx: _Context, text_before: str) -> str | None:
    """The last person named in the narration before a quote.

    People known to speak in this article win; failing them, the last name-like run.
    """
    chunks = [text_before, *reversed(ctx.narration)]
    if ctx.speakers:
        forms = sorted(ctx.speakers, key=len, reverse=True)
        pattern = re.compile(r"\b(" + "|".join(re.escape(f) for f in forms) + r")\b")
        for chunk in chunks:
            found = pattern.findall(chunk)
            if found:
                return ctx.speakers[found[-1]].name
    for chunk in chunks:
        name = last_name_in(chunk)
        if name:
            return name
    return None


def _narration(text: str, spans: Sequence[Span]) -> str:
    """`text` with quoted stretches blanked, so names inside quotes are not narrators."""
    chars = list(text)
    for span in spans:
        for i in range(span.start, span.end):
            chars[i] = " "
    return "".join(chars)


@dataclass(frozen=True, slots=True)
class _Read:
    """A text with its quoted spans and its narration, worked out once."""

    text: str
    spans: list[Span]
    narration: str


def _read(text: str) -> _Read:
    spans = quote_spans(text)
    return _Read(text, spans, _narration(text, [s for s in spans if not s.nested]))


def _resolve(ctx: _Context, who: str | None, narration_before: str) -> str | None:
    if who is None:
        return None
    if who.lower() in {"he", "she", "they"}:
        return _last_person(ctx, narration_before)
    speaker = ctx.speakers.get(who)
    return speaker.name if speaker else who


def _quotes_in(read: _Read, ctx: _Context, *, pronouns: bool) -> list[FoundQuote]:
    text, spans, narration = read.text, read.spans, read.narration
    out: list[FoundQuote] = []
    paragraph_speaker: str | None = None
    for span in spans:
        close = span.end + 1 if span.closed else span.end
        open_ = span.start - 1 if span.start > 0 else 0
        cue = None if span.nested else _after_cue(text[close:])
        if cue is None and not span.nested:
            cue = subject_of(narration[sentence_start(narration, open_) : open_])
        kind = classify(text, span, cue is not None)
        quoted = text[span.start : span.end]
        if kind != "speech" or span.nested:
            out.append(FoundQuote(span.start, span.end, quoted, kind, nested=span.nested))
            continue
        before = narration[:open_]
        speaker: str | None = None
        if cue is not None and (pronouns or cue.who is None or cue.who.lower() not in PRONOUNS):
            speaker = _resolve(ctx, cue.who, before)
            if speaker is None and cue.who is None:
                speaker = _last_person(ctx, before) if pronouns else None
        if speaker is None and cue is None:
            speaker = paragraph_speaker or (
                ctx.last_speaker if pronouns and not before.strip() else None
            )
        paragraph_speaker = speaker or paragraph_speaker
        out.append(
            FoundQuote(
                span.start,
                span.end,
                quoted,
                "speech",
                speaker=speaker,
                cue=cue.phrase if cue else None,
            )
        )
    return out


def _names_from_cues(reads: Sequence[_Read]) -> tuple[list[str], list[str]]:
    """Pass one: names that report speech anywhere in the article, and every name mention."""
    names: list[str] = []
    mentions: list[str] = []
    for read in reads:
        text, spans, narration = read.text, read.spans, read.narration
        mentions += [m.group(0) for m in NAME_RUN.finditer(narration)]
        for span in spans:
            cue = _after_cue(text[span.end + 1 :]) if span.closed else None
            if cue and cue.who and cue.who.lower() not in PRONOUNS:
                names.append(cue.who)
        start = 0
        for m in SENTENCE_END.finditer(narration + " "):
            cue = subject_of(narration[start : m.start() + 1])
            if cue and cue.who and cue.who.lower() not in PRONOUNS:
                names.append(cue.who)
            start = m.end()
    return names, mentions


def article_quotes(
    paragraphs: Sequence[str],
) -> tuple[list[list[FoundQuote]], list[Speaker]]:
    """Quotes of every paragraph (in article order) and the article's speakers."""
    reads = [_read(text) for text in paragraphs]
    names, mentions = _names_from_cues(reads)
    ctx = _Context(speakers=fold_speakers(names, mentions))
    out: list[list[FoundQuote]] = []
    for index, read in enumerate(reads):
        quotes = _quotes_in(read, ctx, pronouns=True)
        speech = [q for q in quotes if q.kind == "speech" and not q.nested]
        if speech and all(q.speaker is None for q in speech):
            # A paragraph that is all quote with no cue: the speaker of what follows it.
            following = next(
                (later for later in _peek_speakers(reads[index + 1 :], ctx) if later), None
            )
            nearby = ctx.last_speaker or following or _last_person(ctx, "")
            quotes = [
                replace(q, speaker=nearby) if q.kind == "speech" and not q.nested else q
                for q in quotes
            ]
        out.append(quotes)
        for q in quotes:
            if q.speaker:
                ctx.last_speaker = q.speaker
        ctx.narration.append(read.narration)
    speakers = {s.name: s for s in ctx.speakers.values()}
    used = {q.speaker for qs in out for q in qs if q.speaker}
    return out, [speakers.get(n) or Speaker(n, (n,)) for n in sorted(used)]


def _peek_speakers(reads: Sequence[_Read], ctx: _Context) -> list[str | None]:
    probe = _Context(speakers=ctx.speakers, narration=list(ctx.narration))
    return [q.speaker for read in reads[:2] for q in _quotes_in(read, probe, pronouns=True)]


def _normal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


class CommentLike(Protocol):
    """What quote finding needs of a comment."""

    @property
    def body(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def posted_at(self) -> datetime | None: ...


def comment_quotes(
    comments: Sequence[CommentLike], speakers: dict[str, Speaker] | None = None
) -> list[list[FoundQuote]]:
    """Quotes of every comment; one repeating an earlier comment's words links to it."""
    normal = [_normal(c.body) for c in comments]
    ctx = _Context(speakers=speakers or {})
    out: list[list[FoundQuote]] = []
    for position, comment in enumerate(comments):
        found = []
        for q in _quotes_in(_read(comment.body), ctx, pronouns=False):
            needle = _normal(q.text)
            source = None
            if len(needle) >= MIN_SOURCE_CHARS and q.kind == "speech" and not q.nested:
                source = next(
                    (
                        i
                        for i, other in enumerate(comments)
                        if i != position
                        and _not_after(other.posted_at, comment.posted_at, i < position)
                        and needle in normal[i]
                    ),
                    None,
                )
            if source is not None:
                q = replace(
                    q,
                    speaker=comments[source].author,
                    cue="quoting a comment",
                    source_comment=source,
                )
            found.append(q)
        out.append(found)
    return out


def _not_after(first: datetime | None, second: datetime | None, above: bool) -> bool:
    """Whether a comment at `first` can be quoted by one at `second`; without both times,
    whether it comes first on the page."""
    if first is None or second is None:
        return above
    return first <= second
