"""Quotes, speakers and links as the API exposes them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as percent_encode

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from schemas import Article, Comment, CommentPage
from tests.conftest import SEED_ID

Client = AsyncTestClient[Litestar]


async def test_article_counts_quotes_and_lists_speakers(client: Client) -> None:
    r = await client.get(f"/v1/articles/{SEED_ID}", params={"include": "speakers"})
    assert r.status_code == 200
    article = msgspec.json.decode(r.content, type=Article)
    assert article.counts.article_speech_quotes == 19
    assert article.sections is msgspec.UNSET
    assert isinstance(article.speakers, list)
    by_name = {s.name: s for s in article.speakers}
    # The last two are commenters quoted by other comments.
    assert set(by_name) == {
        "Vladimir Putin",
        "Ludmila",
        "Boris Reitschuster",
        "Wolfgang Berghofer",
        "Masha Gessen",
        "Karen Dawisha",
        "LetThemEatRand",
        "Endgame Napoleon",
    }
    putin = by_name["Vladimir Putin"]
    assert (putin.quotes, putin.article_quotes, putin.comment_quotes) == (7, 7, 0)
    commenter = by_name["LetThemEatRand"]
    assert (commenter.article_quotes, commenter.comment_quotes) == (0, commenter.quotes)
    assert commenter.quotes > 0
    assert set(putin.aliases) >= {"Putin", "Vladimir Putin", "Russia's President Putin"}


async def test_include_both(client: Client) -> None:
    r = await client.get(
        f"/v1/articles/{SEED_ID}", params=[("include", "sections"), ("include", "speakers")]
    )
    article = msgspec.json.decode(r.content, type=Article)
    assert isinstance(article.sections, list)
    assert isinstance(article.speakers, list)


async def test_paragraph_quotes_carry_speaker_cue_and_offsets(client: Client) -> None:
    r = await client.get(f"/v1/articles/{SEED_ID}", params={"include": "sections"})
    article = msgspec.json.decode(r.content, type=Article)
    assert isinstance(article.sections, list)
    paragraphs = [p for s in article.sections for p in s.paragraphs]
    quotes = [(p, q) for p in paragraphs for q in p.quotes]
    for paragraph, quote in quotes:
        assert paragraph.text[quote.start : quote.end] == quote.text
    speech = [q for _, q in quotes if q.kind == "speech" and not q.nested]
    assert len(speech) == 19
    reitschuster = [q for q in speech if q.speaker == "Boris Reitschuster"]
    assert [q.cue for q in reitschuster] == ["says Boris Reitschuster", "he says"]
    titles = [q.text for _, q in quotes if q.kind == "title"]
    assert titles == [
        "10 Most WTF Things We Learned From Oliver Stone's Putin Interviews",
        "The Putin Interviews",
    ]
    nested = [q for _, q in quotes if q.nested]
    assert [q.text for q in nested] == ["If we get the order from Moscow, the tanks will roll."]


async def test_comment_quotes_link_to_their_source_and_links_are_listed(client: Client) -> None:
    page = msgspec.json.decode(
        (await client.get(f"/v1/articles/{SEED_ID}/comments")).content, type=CommentPage
    )
    by_position = {c.position: c for c in page.items}
    quoting = by_position[10].quotes
    assert [(q.source_comment_id, q.speaker) for q in quoting] == [
        (by_position[9].id, "LetThemEatRand")
    ]
    assert by_position[1].links[0].url == (
        "https://deusnexus.wordpress.com/2017/03/17/the-russian-phoenix-2/"
    )
    single = msgspec.json.decode(
        (await client.get(f"/v1/comments/{by_position[21].id}")).content, type=Comment
    )
    assert single.quotes[0].source_comment_id == by_position[20].id
    assert [q.kind for q in single.quotes] == ["speech", "scare", "speech"]


async def test_the_quote_counts_add_up_to_the_quotes_listed(client: Client) -> None:
    article = msgspec.json.decode(
        (await client.get(f"/v1/articles/{SEED_ID}")).content, type=Article
    )
    listed = (await client.get(f"/v1/articles/{SEED_ID}/quotes", params={"limit": 500})).json()
    in_comments = [q for q in listed["items"] if q["comment_id"] is not None]
    assert article.counts.comment_quotes == len(in_comments) > 0
    assert article.counts.article_quotes == len(listed["items"]) - len(in_comments)
    speech = [
        q
        for q in listed["items"]
        if q["comment_id"] is None and q["kind"] == "speech" and not q["nested"]
    ]
    assert article.counts.article_speech_quotes == len(speech)


def _comment_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in nodes:
        if node["kind"] == "comment":
            out.append(node)
        out += _comment_nodes(node.get("replies", []))
    return out


async def test_every_read_of_a_comment_carries_its_quotes_and_links(client: Client) -> None:
    listed = (await client.get(f"/v1/articles/{SEED_ID}/comments", params={"limit": 500})).json()
    by_id = {c["id"]: c for c in listed["items"]}
    assert any(c["quotes"] for c in by_id.values())
    assert any(c["links"] for c in by_id.values())
    thread = await client.get(f"/v1/articles/{SEED_ID}/thread", params={"depth": 10, "limit": 1000})
    nodes = _comment_nodes(thread.json()["nodes"])
    assert {n["id"] for n in nodes} == set(by_id)
    for node in nodes:
        assert (node["quotes"], node["links"]) == (
            by_id[node["id"]]["quotes"],
            by_id[node["id"]]["links"],
        )
    for comment in by_id.values():
        if comment["quotes"] or comment["links"]:
            single = (await client.get(f"/v1/comments/{comment['id']}")).json()
            assert single == comment
            context = (await client.get(f"/v1/comments/{comment['id']}/context")).json()
            assert context["comment"] == comment
            for ancestor in context["ancestors"]:
                assert ancestor == by_id[ancestor["id"]]
            author = percent_encode(comment["author"], safe="")
            theirs = (await client.get(f"/v1/authors/{author}/comments?limit=500")).json()
            assert comment in theirs["items"]
