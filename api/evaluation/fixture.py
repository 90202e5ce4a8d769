"""Score the parser against a hand-annotated fixture: parents, quotes and speakers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import msgspec

from api.ingest.page import parse_page
from api.intake.loader import read_text
from schemas import ParentResolution, QuoteKind


class ExpectedComment(msgspec.Struct, forbid_unknown_fields=True):
    position: int
    author: str
    parent_author: str | None
    parent: int | None
    resolution: ParentResolution


class ExpectedQuote(msgspec.Struct, forbid_unknown_fields=True):
    paragraph: int
    text: str
    kind: QuoteKind
    speaker: str | None


class ExpectedCommentQuote(msgspec.Struct, forbid_unknown_fields=True):
    comment: int
    text: str
    kind: QuoteKind
    source: int | None


class ExpectedLink(msgspec.Struct, forbid_unknown_fields=True):
    comment: int
    url: str


class Annotation(msgspec.Struct, forbid_unknown_fields=True):
    """A fixture's expected structure (`fixtures/*.expected.json`)."""

    page: str
    title: str
    sections: int
    captions: list[str]
    comments: list[ExpectedComment]
    article_quotes: list[ExpectedQuote] = []
    speakers: dict[str, list[str]] = {}
    comment_quotes: list[ExpectedCommentQuote] = []
    links: list[ExpectedLink] = []


@dataclass(frozen=True, slots=True)
class Score:
    """How the parser did on one fixture."""

    name: str
    parents_right: int
    parents_total: int
    quotes_found: int
    quotes_expected: int
    quotes_predicted: int
    speakers_right: int
    titles_excluded: int
    titles_total: int

    @property
    def parent_accuracy(self) -> float:
        return self.parents_right / self.parents_total if self.parents_total else 1.0

    @property
    def quote_precision(self) -> float:
        return self.quotes_found / self.quotes_predicted if self.quotes_predicted else 1.0

    @property
    def quote_recall(self) -> float:
        return self.quotes_found / self.quotes_expected if self.quotes_expected else 1.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speakers_right / self.quotes_expected if self.quotes_expected else 1.0

    def report(self) -> str:
        """One block of text for the terminal."""
        return "\n".join(
            [
                self.name,
                f"  parents   accuracy  {self.parent_accuracy:6.1%}"
                f"  ({self.parents_right}/{self.parents_total})",
                f"  quotes    precision {self.quote_precision:6.1%}"
                f"  ({self.quotes_found}/{self.quotes_predicted})",
                f"  quotes    recall    {self.quote_recall:6.1%}"
                f"  ({self.quotes_found}/{self.quotes_expected})",
                f"  speakers  accuracy  {self.speaker_accuracy:6.1%}"
                f"  ({self.speakers_right}/{self.quotes_expected})",
                f"  titles    excluded  {self.titles_excluded}/{self.titles_total}",
            ]
        )


def load_annotation(path: Path) -> Annotation:
    """Read and validate an annotation file."""
    return msgspec.json.decode(path.read_bytes(), type=Annotation)


def score(path: Path) -> Score:
    """Parse the annotated page and compare it with the annotation."""
    expected = load_annotation(path)
    page = parse_page(read_text(path.parent / expected.page))

    parents_right = sum(
        1
        for want, got in zip(expected.comments, page.threads, strict=False)
        if (want.parent, want.resolution) == (got.parent, got.resolution)
    )

    blocks = [block for section in page.sections for block in section]
    predicted = {
        (index, q.text): q
        for index, block in enumerate(blocks)
        for q in block.quotes
        if not q.nested
    }
    speech_predicted = {key for key, q in predicted.items() if q.kind == "speech"}
    speech_expected = [q for q in expected.article_quotes if q.kind == "speech"]
    found = [q for q in speech_expected if (q.paragraph, q.text) in speech_predicted]
    titles = [q for q in expected.article_quotes if q.kind == "title"]
    return Score(
        name=path.name,
        parents_right=parents_right,
        parents_total=len(expected.comments),
        quotes_found=len(found),
        quotes_expected=len(speech_expected),
        quotes_predicted=len(speech_predicted),
        speakers_right=sum(
            1 for q in found if predicted[(q.paragraph, q.text)].speaker == q.speaker
        ),
        titles_excluded=sum(1 for q in titles if (q.paragraph, q.text) not in speech_predicted),
        titles_total=len(titles),
    )
