"""Quotations, their speakers, and links found in text."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from schemas.common import CommentId, Model

QuoteKind = Literal["speech", "title", "scare"]
Offset = Annotated[
    int, Meta(ge=0, description="Unicode code point offset into the containing text.")
]


class Quote(Model, kw_only=True):
    """A quotation in a paragraph or comment."""

    text: Annotated[str, Meta(description="The quoted words, without the quotation marks.")]
    kind: Annotated[
        QuoteKind,
        Meta(
            description=(
                "`speech`: words someone said or wrote; `title`: the title of a work; "
                "`scare`: scare quotes. Only speech is attributed."
            )
        ),
    ]
    nested: Annotated[bool, Meta(description="Inside another quotation.")]
    speaker: Annotated[
        str | None,
        Meta(
            description="Who said it, under the fullest name the article uses.",
            examples=["Vladimir Putin"],
        ),
    ]
    cue: Annotated[
        str | None,
        Meta(description="The reporting words the attribution rests on.", examples=["he says"]),
    ]
    start: Offset
    end: Offset
    source_comment_id: Annotated[
        CommentId | None,
        Meta(
            description="For a quote in a comment: the comment on this page whose words it repeats."
        ),
    ]


class Link(Model, kw_only=True):
    """A URL in a paragraph or comment."""

    url: Annotated[str, Meta(examples=["https://example.org/report"])]
    start: Offset
    end: Offset


class Speaker(Model, kw_only=True):
    """A person quoted in an article or its comments, with every form of their name the
    article uses. People quoted by the article have `article_quotes`; commenters whose words
    other comments quote have `comment_quotes`."""

    name: Annotated[str, Meta(examples=["Vladimir Putin"])]
    aliases: Annotated[
        list[str], Meta(examples=[["Putin", "Russia's President Putin", "Vladimir Putin"]])
    ]
    quotes: Annotated[
        int, Meta(ge=0, description="Speech quotes attributed to them: the two counts below.")
    ]
    article_quotes: Annotated[int, Meta(ge=0, description="Of `quotes`, in the article text.")]
    comment_quotes: Annotated[int, Meta(ge=0, description="Of `quotes`, in comments.")]


class QuoteItem(Quote, kw_only=True):
    """A quote with where it was found."""

    id: Annotated[int, Meta(ge=1, description="Quote id.")]
    article_id: Annotated[int, Meta(ge=1)]
    comment_id: Annotated[
        CommentId | None, Meta(description="The comment holding it; null in article text.")
    ]
    section: Annotated[int | None, Meta(description="Section position, for article text.")]
    paragraph: Annotated[
        int | None, Meta(description="Paragraph position in the section, for article text.")
    ]


class QuotePage(Model, kw_only=True):
    """One page of quotes, in ingest order."""

    items: list[QuoteItem]
    next_cursor: Annotated[str | None, Meta(description="Opaque cursor for the next page.")]


class SpeakerSummary(Model, kw_only=True):
    """A person quoted anywhere, across articles."""

    name: Annotated[str, Meta(examples=["Vladimir Putin"])]
    aliases: list[str]
    articles: Annotated[int, Meta(ge=0, description="Articles quoting them.")]
    quotes: Annotated[int, Meta(ge=0, description="Speech quotes attributed to them.")]


class SpeakerPage(Model, kw_only=True):
    """One page of speakers, by name."""

    items: list[SpeakerSummary]
    next_cursor: Annotated[str | None, Meta(description="Opaque cursor for the next page.")]
