"""Direct quotations: what is speech, who said it, and which comment a comment quotes.

Attribution follows the cues a reader uses, most specific first:
1. a cue after the quote: `," says Boris Reitschuster`, `," Putin recalled`, `," as Gessen puts it`;
2. a cue before it in the same sentence: `Vladimir Putin said he had “…`, `, he recalled later, "…`,
   or a colon after a name: `Ludmila envied the fact that: "…`;
3. a quote with no cue continues the previous quote of its paragraph;
4. a paragraph that is all quote belongs to the speaker of the paragraphs around it.
Pronouns resolve to the last person named before the quote. Titles of works (title case) and
scare quotes (three words or fewer with no cue) are kept, flagged, and never attributed.

Cost is linear in the text: each text's sentences, verbs and names are found once, and the cues
of a quote are looked for within bounded windows around it (CUE_WINDOW characters after it,
SUBJECT_WINDOW before it), so a page of thousands of quotes does not rescan the page per quote.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import accumulate
from typing import Protocol

from api.ingest.model import FoundQuote, QuoteKind, Speaker
from api.ingest.patterns import alternation, whole_word
from api.ingest.spans import Span, quote_spans
from api.ingest.speakers import (
    NAME_RUN,
    clean_name,
    first_name_in,
    fold_speakers,
    last_name_in,
)

VERBS = (
    r"says|said|say|recalled|recalls|recall|told|tells|explains|explained|added|adds|writes|"
    r"wrote|noted|notes|asked|asks|admitted|acknowledged|insisted|argued|claimed|claims|"
    r"continued|replied|declared|stated|states|saying|puts it|put it"
)
PRONOUNS = frozenset({"he", "she", "they", "He", "She", "They"})
WHO = rf"{NAME_RUN.pattern}|he|she|they|He|She|They"
AFTER_WHO_VERB = re.compile(rf"^[\s,]*(?:as\s+)?(?P<who>{WHO})\s+(?:later\s+)?(?P<verb>{VERBS})\b")
AFTER_VERB_WHO = re.compile(rf"^[\s,]*(?P<verb>{VERBS})\s+(?P<who>[^.,;:!?\"“”]+)")


# `\b(?:VERBS)\b`, each branch opening with its first letter for the engine's fast scan.
VERB = re.compile(whole_word(VERBS.split("|")))
# A reporting verb with the character before it (not a word character): each of VERB's matches
# but one at offset 0, found by a scan that stops only at non-word characters (a fifth of a
# text's), where VERB's stops at each letter a verb opens with (half of them).
AFTER_NON_WORD_VERB = re.compile(r"\W(?:" + alternation(VERBS.split("|")) + r")\b")
# The same over bytes, whose `\W` and `\b` read ASCII alone: each test a look-up in one table
# (the str pattern's ask Unicode's tables several times a character).
AFTER_NON_WORD_VERB_BYTES = re.compile(AFTER_NON_WORD_VERB.pattern.encode())
SENTENCE_END = re.compile(r"[.!?…][\"”’)]*\s+")
TITLE_CUES = re.compile(r"\b(?:called|titled|entitled|named|movie|film|book|series|song|its)\s*$")
MIN_SOURCE_CHARS = 12
WORD = re.compile(r"\w+")
TITLE_WORD = re.compile(r"[\w][\w'’]*")
CUE_WINDOW = 300
"""Characters after a quote searched for a cue (`," says Boris Reitschuster`)."""
SUBJECT_WINDOW = 400
"""Characters of the sentence before a quote searched for its reporting verb and subject."""
TITLE_WINDOW = 80
"""Characters before a quote searched for a title cue (`the film "…"`)."""
TITLE_TAIL = 16  # longer than any title cue word, so the cue's word boundary is in view
MAX_SOURCE_CANDIDATES = 200
"""Comments examined, at most, for the one a comment's quote repeats."""
MAX_NEEDLES_SEARCHED = 64
"""Quotes, at most, looked for in a page's comments before the comments' words are indexed
for them: each look scans the comments (so the cost stays linear in the page)."""


@dataclass(slots=True)
class _Cue:
    who: str | None  # a name, a pronoun, or None when only the continuation is known
    phrase: str | None


@dataclass(slots=True)
class _Prior:
    """The paragraphs of an article read so far, and the two things pronoun resolution asks of
    them: the last known speaker mentioned, and the last name-like run. Both are worked out
    only when asked (few articles ever ask), from the latest paragraph back, and each paragraph
    is looked at once however often they are asked."""

    reads: list[_Read] = field(default_factory=list)
    speaker: str | None = None
    speaker_upto: int = 0  # paragraphs looked at for `speaker`
    name: str | None = None
    name_upto: int = 0  # paragraphs looked at for `name`


@dataclass(slots=True)
class _Context:
    """What attribution has learnt so far while reading an article in order.

    Of the narration already read it keeps only what pronoun resolution asks of it: the last
    known speaker mentioned, and the last name-like run.
    """

    speakers: dict[str, Speaker]
    last_speaker: str | None = None
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)
    _prior: _Prior = field(default_factory=_Prior, repr=False)

    def speaker_hits(self, narration: str) -> list[tuple[int, str]]:
        """(end offset, speaker name) of every known speaker's form in `narration`."""
        if not self.speakers:
            return []
        if self._pattern is None:
            forms = sorted(self.speakers, key=len, reverse=True)
            self._pattern = re.compile(r"\b(" + "|".join(re.escape(f) for f in forms) + r")\b")
        found = self._pattern.finditer(narration)
        return [(m.end(), self.speakers[m.group(1)].name) for m in found]

    def remember(self, read: _Read) -> None:
        """Take in a paragraph's narration once it has been read."""
        self._prior.reads.append(read)

    @property
    def prior_speaker(self) -> str | None:
        """The last known speaker mentioned in the narration remembered."""
        prior = self._prior
        for index in range(len(prior.reads) - 1, prior.speaker_upto - 1, -1):
            hits = prior.reads[index].speaker_hits(self)
            if hits:
                prior.speaker = hits[-1][1]
                break
        prior.speaker_upto = len(prior.reads)
        return prior.speaker

    @property
    def prior_name(self) -> str | None:
        """The last name-like run of the narration remembered."""
        prior = self._prior
        for index in range(len(prior.reads) - 1, prior.name_upto - 1, -1):
            names = prior.reads[index].names
            if names:
                prior.name = names[-1][1]
                break
        prior.name_upto = len(prior.reads)
        return prior.name

    def probe(self) -> _Context:
        """A copy to read ahead with, leaving this context as it is (it remembers nothing)."""
        return _Context(self.speakers, None, self._pattern, self._prior)


def is_title_case(text: str) -> bool:
    """Most significant words capitalised, as in titles of works."""
    words = TITLE_WORD.findall(text)
    if not words or not (words[0][0].isupper() or words[0][0].isdigit()):
        return False
    significant = [w for w in words[1:] if len(w) >= 4]
    if not significant:
        return len(words) > 1 and all(w[0].isupper() for w in words)
    capitalised = sum(1 for w in significant if w[0].isupper())
    return capitalised / len(significant) >= 0.75


def _after_cue(after: str) -> _Cue | None:
    if not after.lstrip(" ,\t\n")[:1].isalpha():  # both cue patterns open with a word
        return None
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
    verb = _last(VERB.finditer(prefix))
    if verb is not None:
        return _subject(prefix, verb.start(), verb.end())
    if prefix.rstrip().endswith(":"):
        return _Cue(None, _tail_words(prefix.strip(), 6))
    return None


def _subject(prefix: str, verb_start: int, verb_end: int) -> _Cue:
    """The subject of the verb at `prefix[verb_start:verb_end]`; linear in `prefix`."""
    verb = prefix[verb_start:verb_end]
    before = prefix[:verb_start].rstrip()
    phrase = _tail_words(prefix[:verb_end], 6).strip(" ,")
    words = before.rsplit(maxsplit=1)
    last_word = words[-1] if words else ""
    if last_word in PRONOUNS:
        return _Cue(last_word.lower(), f"{last_word} {verb}")
    tail = _last(NAME_RUN.finditer(before))
    if tail is not None and tail.end() == len(before) and clean_name(tail.group(0)):
        return _Cue(clean_name(tail.group(0)), f"{tail.group(0)} {verb}")
    if before.endswith(","):
        return _Cue(first_name_in(prefix), phrase)
    return _Cue(last_name_in(before), phrase)


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    """The last of `matches`, or None."""
    last = deque(matches, maxlen=1)
    return last[0] if last else None


def _tail_words(text: str, count: int) -> str:
    return " ".join(text.rsplit(maxsplit=count)[-count:])


def classify(text: str, span: Span, has_cue: bool) -> QuoteKind:
    """speech, title of a work, or scare quote."""
    quoted = text[span.start : span.end].strip()
    before = text[max(0, span.start - 1 - TITLE_WINDOW) : max(0, span.start - 1)].rstrip()
    if TITLE_CUES.search(before[-TITLE_TAIL:]) or (not has_cue and is_title_case(quoted)):
        return "title"
    words = len(quoted.split())
    if words == 1 or (not has_cue and words <= 3):
        return "scare"
    return "speech"


def _last_before(found: Sequence[tuple[int, str]], at: int) -> str | None:
    """The last of (end offset, name) pairs that ends by `at`."""
    index = bisect_right(found, (at, "\U0010ffff"))
    return found[index - 1][1] if index else None


def _last_person(ctx: _Context, read: _Read | None = None, at: int = 0) -> str | None:
    """The last person named in the narration before offset `at` of `read`, else before it.

    People known to speak in this article win; failing them, the last name-like run.
    """
    if ctx.speakers:
        found = _last_before(read.speaker_hits(ctx), at) if read else None
        if found or ctx.prior_speaker:
            return found or ctx.prior_speaker
    return (_last_before(read.names, at) if read else None) or ctx.prior_name


def _narration(text: str, spans: Sequence[Span]) -> str:
    """`text` with quoted stretches blanked, so names inside quotes are not narrators."""
    parts: list[str] = []
    at = 0  # text before `at` is in parts already
    for span in sorted(spans, key=lambda s: s.start):
        start = max(at, span.start)
        if span.end > start:
            parts += (text[at:start], " " * (span.end - start))
            at = span.end
    parts.append(text[at:])
    return "".join(parts)


@dataclass(slots=True)
class _Read:
    """A text with its quoted spans and its narration, and the narration's sentence starts,
    reporting verbs and names: worked out once, so each quote looks them up."""

    text: str
    spans: list[Span]
    narration: str
    _sentences: list[int] | None = None
    _verbs: list[tuple[int, int]] | None = None
    _searched: int = 0  # characters searched for verbs window by window
    _hits: tuple[int, list[tuple[int, str]]] | None = None
    _runs: list[tuple[int, str]] | None = None
    _names: list[tuple[int, str]] | None = None

    @property
    def sentences(self) -> list[int]:
        """The offset where each sentence of the narration starts, found when first asked (by
        a quote: most texts hold none)."""
        if self._sentences is None:
            ends = SENTENCE_END.finditer(self.narration)
            self._sentences = [0, *(m.end() for m in ends)]
        return self._sentences

    @property
    def opens_at(self) -> int:
        """Where the narration's first word starts (its length when it has none)."""
        stripped = self.narration.lstrip()
        return len(self.narration) - len(stripped) if stripped else len(self.narration)

    @property
    def verbs(self) -> list[tuple[int, int]]:
        """(start, end) of every reporting verb of the narration, found when first asked (an
        article's first pass asks; a comment's quotes only look before each quote)."""
        if self._verbs is None:
            narration = self.narration
            first = VERB.match(narration)
            self._verbs = [] if first is None else [first.span()]
            self._verbs += _verbs_after_non_word(narration)
        return self._verbs

    def last_verb(self, start: int, at: int) -> tuple[int, int] | None:
        """The last reporting verb starting at `start` or after, among those before the first
        one that ends after `at`."""
        if self._verbs is None and self._searched + at - start <= len(self.narration):
            # Only the window is searched (while the windows searched add up to no more than
            # the narration); a verb ending at `at` still sees the character after it (its
            # closing word boundary), and one starting at `start` the one before.
            self._searched += at - start
            last = None
            for m in VERB.finditer(self.narration, start, at + 1):
                if m.end() > at:
                    break
                last = m.span()
            return last
        verbs = self.verbs
        index = bisect_left(verbs, (start, 0))
        last = None
        while index < len(verbs) and verbs[index][1] <= at:
            last = verbs[index]
            index += 1
        return last

    @property
    def runs(self) -> list[tuple[int, str]]:
        """(end offset, text) of every capitalised run of the narration, found when first
        asked (quotes in comments never resolve pronouns, so they never ask)."""
        if self._runs is None:
            self._runs = [(m.end(), m.group(0)) for m in NAME_RUN.finditer(self.narration)]
        return self._runs

    @property
    def names(self) -> list[tuple[int, str]]:
        """(end offset, name) of the runs that are names."""
        if self._names is None:
            self._names = []
            for end, run in self.runs:
                name = clean_name(run)
                if name:
                    self._names.append((end, name))
        return self._names

    def speaker_hits(self, ctx: _Context) -> list[tuple[int, str]]:
        """Known speakers' mentions in the narration, found once per set of speakers."""
        if self._hits is None or self._hits[0] != id(ctx.speakers):
            self._hits = (id(ctx.speakers), ctx.speaker_hits(self.narration))
        return self._hits[1]

    def prefix(self, at: int) -> tuple[int, str]:
        """Start offset and text of the sentence up to `at`, at most SUBJECT_WINDOW long."""
        start = self.sentences[bisect_right(self.sentences, at) - 1]
        start = max(start, at - SUBJECT_WINDOW)
        return start, self.narration[start:at]

    def subject_at(self, at: int) -> _Cue | None:
        """`subject_of` the sentence before offset `at`, using the verbs found once."""
        start, prefix = self.prefix(at)
        last = self.last_verb(start, at)
        if last is not None:
            return _subject(prefix, last[0] - start, last[1] - start)
        if prefix.rstrip().endswith(":"):
            return _Cue(None, _tail_words(prefix.strip(), 6))
        return None


def _verbs_after_non_word(text: str) -> list[tuple[int, int]]:
    """(start, end) of the verb of each of `AFTER_NON_WORD_VERB`'s matches in `text`, found by
    AFTER_NON_WORD_VERB_BYTES in its ASCII bytes, each character beyond ASCII read as "?" (a
    non-word character). Each match in `text` is one there too, at the same place (a verb is
    ASCII, and a non-word character beyond ASCII stays one), and none there overlaps another
    match in `text`. So in a text beyond ASCII each is matched again in `text`, at its place:
    it is none where a letter beyond ASCII stands next to the verb."""
    if text.isascii():  # read the same, character for character
        return [(m.start() + 1, m.end()) for m in AFTER_NON_WORD_VERB_BYTES.finditer(text.encode())]
    out = []
    for candidate in AFTER_NON_WORD_VERB_BYTES.finditer(text.encode("ascii", "replace")):
        m = AFTER_NON_WORD_VERB.match(text, candidate.start())
        if m is not None:
            out.append((m.start() + 1, m.end()))
    return out


def _read(text: str, spans: list[Span] | None = None) -> _Read:
    """`text` read once; `spans` are its `quote_spans` when the caller has them already."""
    if spans is None:
        spans = quote_spans(text)
    outer = [s for s in spans if not s.nested]
    return _Read(text, spans, _narration(text, outer) if outer else text)


def _resolve(ctx: _Context, who: str | None, read: _Read, at: int) -> str | None:
    if who is None:
        return None
    if who.lower() in {"he", "she", "they"}:
        return _last_person(ctx, read, at)
    speaker = ctx.speakers.get(who)
    return speaker.name if speaker else who


def _quotes_in(read: _Read, ctx: _Context, *, pronouns: bool) -> list[FoundQuote]:
    text, spans = read.text, read.spans
    out: list[FoundQuote] = []
    paragraph_speaker: str | None = None
    for span in spans:
        close = span.end + 1 if span.closed else span.end
        open_ = span.start - 1 if span.start > 0 else 0
        cue = None if span.nested else _after_cue(text[close : close + CUE_WINDOW])
        if cue is None and not span.nested:
            cue = read.subject_at(open_)
        kind = classify(text, span, cue is not None)
        quoted = text[span.start : span.end]
        if kind != "speech" or span.nested:
            out.append(FoundQuote(span.start, span.end, quoted, kind, nested=span.nested))
            continue
        speaker: str | None = None
        if cue is not None and (pronouns or cue.who is None or cue.who.lower() not in PRONOUNS):
            speaker = _resolve(ctx, cue.who, read, open_)
            if speaker is None and cue.who is None:
                speaker = _last_person(ctx, read, open_) if pronouns else None
        if speaker is None and cue is None:
            speaker = paragraph_speaker or (
                ctx.last_speaker if pronouns and read.opens_at >= open_ else None
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
    """Pass one: names that report speech anywhere in the article, and every name mention (only
    when some name reports speech: mentions add forms to those names, never people)."""
    names: list[str] = []
    for read in reads:
        text, spans, narration = read.text, read.spans, read.narration
        for span in spans:
            close = span.end + 1
            cue = _after_cue(text[close : close + CUE_WINDOW]) if span.closed else None
            if cue and cue.who and cue.who.lower() not in PRONOUNS:
                names.append(cue.who)
        # Each sentence's subject_of, from the verbs found once: the last verb ending in a
        # sentence is its last verb when it starts there too (verbs never span a sentence end).
        start = 0
        verbs, seen = read.verbs, 0
        if not verbs:
            continue  # no sentence of it has a subject to name
        for m in SENTENCE_END.finditer(narration + " "):
            stop = m.start() + 1
            while seen < len(verbs) and verbs[seen][1] <= stop:
                seen += 1
            if seen and verbs[seen - 1][0] >= start:
                verb_start, verb_end = verbs[seen - 1]
                cue = _subject(narration[start:stop], verb_start - start, verb_end - start)
                if cue.who and cue.who.lower() not in PRONOUNS:
                    names.append(cue.who)
            start = m.end()
    mentions = [run for read in reads for _, run in read.runs] if names else []
    return names, mentions


def article_quotes(
    paragraphs: Sequence[str],
) -> tuple[list[list[FoundQuote]], list[Speaker]]:
    """Quotes of every paragraph (in article order) and the article's speakers."""
    reads = [_read(text) for text in paragraphs]
    if not any(read.spans for read in reads):
        # No quote marks anywhere (a third of the pages): nothing to attribute, no speakers.
        return [[] for _ in reads], []
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
            nearby = ctx.last_speaker or following or _last_person(ctx)
            quotes = [
                replace(q, speaker=nearby) if q.kind == "speech" and not q.nested else q
                for q in quotes
            ]
        out.append(quotes)
        for q in quotes:
            if q.speaker:
                ctx.last_speaker = q.speaker
        ctx.remember(read)
    speakers = {s.name: s for s in ctx.speakers.values()}
    used = {q.speaker for qs in out for q in qs if q.speaker}
    return out, [speakers.get(n) or Speaker(n, (n,)) for n in sorted(used)]


def _peek_speakers(reads: Sequence[_Read], ctx: _Context) -> list[str | None]:
    probe = ctx.probe()
    return [q.speaker for read in reads[:2] for q in _quotes_in(read, probe, pronouns=True)]


# Every ASCII character that is not a word character (`\w`), as a space.
NOT_WORD = str.maketrans({chr(c): " " for c in range(128) if not (chr(c).isalnum() or c == 95)})


def _words(text: str) -> list[str]:
    """The words (`\\w+`) of `text`, lowercased (ASCII text is split without the pattern: its
    non-word characters turned to spaces)."""
    if text.isascii():  # (a str knows this without a look at its characters)
        return text.encode().translate(LOWER_WORD_BYTES).decode().split()
    lowered = text.lower()
    if lowered.isascii():
        return lowered.translate(NOT_WORD).split()
    return WORD.findall(lowered)


def _normal(text: str) -> str:
    """The words of `text`, lowercased, joined by single spaces."""
    return " ".join(_words(text))


# Every ASCII byte that is not a word character, as a space (for bytes.translate).
NOT_WORD_BYTES = bytes(c if c > 127 or chr(c).isalnum() or c == 95 else 32 for c in range(256))
# The same, with ASCII capitals lowercased: lowering and splitting ASCII text in one pass.
# ("A".."Z" are 65..90, "a".."z" 97..122)
LOWER_WORD_BYTES = bytes(c + 32 if 65 <= c <= 90 else NOT_WORD_BYTES[c] for c in range(256))
# The characters beyond ASCII that comments hold most, none of them a word character, in UTF-8.
COMMON_MARKS = tuple(mark.encode() for mark in "’…”“–—‘")
# Each of them is E2 80 and a last byte: with every E2 80 taken out (a pair only the characters
# U+2000..U+203F hold), LOWER_WORD_BYTES that also reads these last bytes as spaces. Any other
# character beyond ASCII leaves a byte beyond ASCII (its first, or its last when it is one of
# U+2000..U+203F), so the text read is ASCII exactly when the text holds no other.
MARKS_PREFIX = b"\xe2\x80"
assert all(mark.startswith(MARKS_PREFIX) and len(mark) == 3 for mark in COMMON_MARKS)
LOWER_WORD_OR_MARK_BYTES = bytes(
    32 if any(mark[2] == c for mark in COMMON_MARKS) else LOWER_WORD_BYTES[c] for c in range(256)
)


def _byte_words(text: str) -> list[bytes] | None:
    """`_words(text)` in UTF-8, found by byte operations alone (several times faster); None
    when `text` holds a character beyond ASCII besides COMMON_MARKS, which only the pattern
    reads right (and `_words` then finds the same words)."""
    if text.isascii():
        return text.encode().translate(LOWER_WORD_BYTES).split()
    # ASCII and marks alone, which have no case: lowering the ASCII bytes lowers the text
    data = text.encode().replace(MARKS_PREFIX, b"").translate(LOWER_WORD_OR_MARK_BYTES)
    return data.split() if data.isascii() else None


class CommentLike(Protocol):
    """What quote finding needs of a comment."""

    @property
    def body(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def posted_at(self) -> datetime | None: ...


def _sources(
    comments: Sequence[CommentLike], needles: dict[str, list[int]]
) -> dict[tuple[str, int], int]:
    """For each needle (the normalised words of a quote) and the comment quoting it, the
    comment it repeats, if any: the first, in page order, of the comments holding the needle's
    rarest word that holds the whole needle and may be quoted by it (at most
    MAX_SOURCE_CANDIDATES of them are examined). The comments' words are indexed only for the
    needles some comment besides those quoting it holds (on most pages, none)."""
    words_of = [_byte_words(comment.body) for comment in comments]
    normal = [  # the words of each comment, joined
        _normal(comment.body) if words is None else b" ".join(words).decode()
        for comment, words in zip(comments, words_of, strict=True)
    ]
    needles = _held_elsewhere(needles, normal)
    wanted = {word for needle in needles for word in needle.split()}
    encoded = {word.encode() for word in wanted}  # the words as _byte_words finds them
    # needle word, in UTF-8 -> comments holding it, in order
    holding: dict[bytes, list[int]] = defaultdict(list)
    for i, ascii_words in enumerate(words_of if needles else ()):
        if ascii_words is None:
            held = {word.encode() for word in wanted.intersection(_words(comments[i].body))}
        else:
            held = encoded.intersection(ascii_words)  # walks the comment's words alone
        for word in held:
            holding[word].append(i)

    found: dict[tuple[str, int], int] = {}
    for needle, quoting in needles.items():
        rarest = min((holding[w.encode()] for w in needle.split()), key=len)
        for position in quoting:
            source = next(
                (
                    i
                    for i in rarest[:MAX_SOURCE_CANDIDATES]
                    if i != position
                    and _not_after(
                        comments[i].posted_at, comments[position].posted_at, i < position
                    )
                    and needle in normal[i]
                ),
                None,
            )
            if source is not None:
                found[needle, position] = source
    return found


def _held_elsewhere(needles: dict[str, list[int]], normal: list[str]) -> dict[str, list[int]]:
    """The needles (and the comments quoting each) that a comment other than one quoting it
    holds, in `normal` (each comment's words, joined): the rest repeat no comment, whatever
    its words. Each needle is looked for in the comments' words joined, by `str.find`; those
    past the first MAX_NEEDLES_SEARCHED are kept unread."""
    text = "\n".join(normal)  # a needle holds no line break: none is found across comments
    starts = [0, *accumulate(len(words) + 1 for words in normal)]  # of each comment in text
    kept = {}
    for searched, (needle, quoting) in enumerate(needles.items()):
        if searched >= MAX_NEEDLES_SEARCHED:
            kept[needle] = quoting
            continue
        at = text.find(needle)
        while at >= 0:
            i = bisect_right(starts, at) - 1  # the comment holding it there
            if any(position != i for position in quoting):
                kept[needle] = quoting
                break
            at = text.find(needle, starts[i + 1])
    return kept


def comment_quotes(
    comments: Sequence[CommentLike], speakers: dict[str, Speaker] | None = None
) -> list[list[FoundQuote]]:
    """Quotes of every comment; one repeating an earlier comment's words links to it.

    Most comments hold no quotation mark: only those holding one are read, and the comments'
    words are indexed (for the needle words only) when some quote long enough to look for is
    held by another comment."""
    ctx = _Context(speakers=speakers or {})
    found: list[list[tuple[FoundQuote, str | None]]] = []
    needles: dict[str, list[int]] = defaultdict(list)  # needle -> comments quoting it
    for position, comment in enumerate(comments):
        spans = quote_spans(comment.body)
        quotes = _quotes_in(_read(comment.body, spans), ctx, pronouns=False) if spans else []
        marked: list[tuple[FoundQuote, str | None]] = []
        for q in quotes:
            needle = _normal(q.text) if q.kind == "speech" and not q.nested else ""
            if len(needle) < MIN_SOURCE_CHARS:
                marked.append((q, None))
                continue
            marked.append((q, needle))
            if not needles[needle] or needles[needle][-1] != position:
                needles[needle].append(position)
        found.append(marked)
    sources = _sources(comments, needles) if needles else {}
    out: list[list[FoundQuote]] = []
    for position, marked in enumerate(found):
        quotes = []
        for q, wanted in marked:
            source = None if wanted is None else sources.get((wanted, position))
            if source is not None:
                q = replace(
                    q,
                    speaker=comments[source].author,
                    cue="quoting a comment",
                    source_comment=source,
                )
            quotes.append(q)
        out.append(quotes)
    return out


def _not_after(first: datetime | None, second: datetime | None, above: bool) -> bool:
    """Whether a comment at `first` can be quoted by one at `second`; without both times,
    whether it comes first on the page."""
    if first is None or second is None:
        return above
    return first <= second
