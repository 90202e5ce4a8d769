"""The re-crawl merge as pure functions: matching, edits, removals, order, and its independence
of the order crawls arrive in (property tests over generated growing threads)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.ingest.identity import (
    article_fingerprint,
    canonical_url,
    lock_key,
    normalise_body,
    page_lock_keys,
)
from api.ingest.merge import (
    Known,
    Merge,
    Stamp,
    as_parsed,
    fingerprint,
    match,
    merge,
    rekey,
)
from api.ingest.model import Block, ParsedComment
from api.ingest.threads import resolve_threads

START = datetime(2020, 1, 1, tzinfo=UTC)


def comment(
    author: str,
    minute: int,
    body: str,
    parent: str | None = None,
    position: int = 0,
    parent_position: int | None = None,
) -> ParsedComment:
    return ParsedComment(
        position=position,
        author=author,
        author_verified=True,
        posted_at=START + timedelta(minutes=minute),
        body=body,
        parent_author=parent,
        parent_author_verified=None if parent is None else True,
        parent_position=parent_position,
    )


def page(*comments: ParsedComment) -> list[ParsedComment]:
    return [
        ParsedComment(
            position=i,
            author=c.author,
            author_verified=c.author_verified,
            posted_at=c.posted_at,
            body=c.body,
            parent_author=c.parent_author,
            parent_author_verified=c.parent_author_verified,
            posted_text=c.posted_text,
            parent_position=c.parent_position,
        )
        for i, c in enumerate(comments)
    ]


def replay(crawls: list[tuple[Stamp, list[ParsedComment]]]) -> Merge:
    """Merge crawls one by one, in the order given, keys counting down from -1."""
    known: list[Known] = []
    stamps: list[Stamp] = []
    next_key = -1
    result = merge([], [], (0, ""), [])
    for stamp, comments in crawls:
        result = merge(known, stamps, stamp, comments, next_key)
        next_key -= len(result.added)
        known, stamps = result.comments, result.crawls
    return result


A = comment("ann", 0, "First!")
B = comment("bob", 5, "Second.", "ann")
C = comment("cy", 9, "Third.")


def test_a_recrawl_with_one_more_comment_adds_only_that_comment() -> None:
    first = merge([], [], (100, "h1"), page(A, B), -1)
    assert first.added == [-1, -2]
    second = merge(first.comments, first.crawls, (200, "h2"), page(A, B, C), -3)
    assert second.added == [-3]
    assert (second.edited, second.removed) == ([], [])
    assert [k.key for k in second.comments] == [-1, -2, -3]
    assert [k.first for k in second.comments] == [(100, "h1"), (100, "h1"), (200, "h2")]


def test_an_edited_body_keeps_the_comment_and_its_earlier_text() -> None:
    first = merge([], [], (100, "h1"), page(A, B), -1)
    edited = comment("bob", 5, "Second, and I mean it.", "ann")
    second = merge(first.comments, first.crawls, (200, "h2"), page(A, edited), -3)
    assert (second.added, second.edited) == ([], [-2])
    bob = second.comments[1]
    assert bob.current.body == "Second, and I mean it."
    assert [v.body for v in bob.revisions] == ["Second."]
    assert bob.edited == (200, "h2")


def test_an_older_crawl_does_not_undo_an_edit_or_resurrect_a_removal() -> None:
    edited = comment("bob", 5, "Second, edited.", "ann")
    newer = merge([], [], (200, "h2"), page(edited), -1)  # ann removed by then
    older = merge(newer.comments, newer.crawls, (100, "h1"), page(A, B), -2)
    assert older.edited == []
    by_author = {k.author: k for k in older.comments}
    assert by_author["bob"].current.body == "Second, edited."
    assert [v.body for v in by_author["bob"].revisions] == ["Second."]
    assert by_author["ann"].removed == (200, "h2")
    assert [k.author for k in older.comments] == ["ann", "bob"]


def test_whitespace_alone_is_not_an_edit() -> None:
    first = merge([], [], (100, "h1"), page(A), -1)
    spaced = comment("ann", 0, "  First!\n")
    second = merge(first.comments, first.crawls, (200, "h2"), page(spaced), -2)
    assert (second.added, second.edited) == ([], [])


def test_the_same_crawl_twice_changes_nothing() -> None:
    first = merge([], [], (100, "h1"), page(A, B), -1)
    again = merge(first.comments, first.crawls, (100, "h1"), page(A, B, C), -3)
    assert again.repeated
    assert again.comments == first.comments


def test_a_comment_inserted_mid_page_keeps_its_place() -> None:
    reply = comment("dee", 7, "Reply to ann.", "ann")
    first = merge([], [], (100, "h1"), page(A, C), -1)
    second = merge(first.comments, first.crawls, (200, "h2"), page(A, reply, C), -3)
    assert [k.author for k in second.comments] == ["ann", "dee", "cy"]


def test_duplicates_pair_up_in_page_order() -> None:
    twice = page(A, A)
    assert match([], twice) == [None, None]
    first = merge([], [], (100, "h1"), twice, -1)
    assert match(first.comments, page(A)) == [-1]
    assert match(first.comments, twice) == [-1, -2]


def test_without_a_time_only_the_exact_body_matches() -> None:
    timeless = ParsedComment(0, "ann", True, None, "Hi.")
    assert fingerprint(timeless) == ("ann", True, None, "Hi.")
    first = merge([], [], (100, "h1"), [timeless], -1)
    other = ParsedComment(0, "ann", True, None, "Hello.")
    assert match(first.comments, [other]) == [None]
    assert match(first.comments, [timeless]) == [-1]


def test_a_relative_time_read_against_another_crawl_is_the_same_comment() -> None:
    """ "2 hours ago" on Monday's crawl and "1 day ago" on Tuesday's are two times, one comment:
    it keeps the time its first crawl gave it."""
    monday = replace(comment("ann", 0, "First!"), posted_text="2 hours ago")
    tuesday = replace(comment("ann", 60, "First!"), posted_text="1 day ago")
    first = merge([], [], (100, "h1"), page(monday), -1)
    second = merge(first.comments, first.crawls, (200, "h2"), page(tuesday, B), -2)
    assert second.added == [-2]
    ann = second.comments[0]
    assert (ann.key, ann.posted_at, ann.posted_text) == (-1, monday.posted_at, "2 hours ago")
    older = merge(second.comments[1:], [(200, "h2")], (100, "h1"), page(monday), -3)
    assert older.added == [-3]  # the crawl that showed it first decides its time
    late = merge(
        merge([], [], (200, "h2"), page(tuesday), -1).comments,
        [(200, "h2")],
        (100, "h1"),
        page(monday),
        -2,
    )
    assert late.added == []
    assert (late.comments[0].posted_at, late.comments[0].posted_text) == (
        monday.posted_at,
        "2 hours ago",
    )


def test_a_nested_reply_keeps_the_parent_its_page_shows() -> None:
    """Nesting names the parent itself; the merged thread keeps it, by key, for the resolver."""
    nested = page(A, comment("bob", 5, "Nested under ann.", parent="ann", parent_position=0))
    first = merge([], [], (100, "h1"), nested, -1)
    assert [k.parent for k in first.comments] == [None, -1]
    more = page(C, *nested)
    more = [replace(c, parent_position=None if c.parent_position is None else 1) for c in more]
    second = merge(first.comments, first.crawls, (200, "h2"), more, -3)
    assert [k.key for k in second.comments] == [-3, -1, -2]
    links = resolve_threads(as_parsed(second.comments))
    assert [(link.parent, link.resolution) for link in links] == [
        (None, "none"),
        (None, "none"),
        (1, "exact"),
    ]


def test_rekey_finds_stored_comments_by_any_body_they_had() -> None:
    stored = merge([], [], (100, "h1"), page(A, B), 1).comments
    stored = [replace(k, key=i + 1) for i, k in enumerate(stored)]
    rebuilt = merge([], [], (100, "h1"), page(B, C), -1).comments
    assert rekey(rebuilt, stored) == {-1: 2}


def test_normalise_body() -> None:
    assert normalise_body(" a\n\nb\t c ") == "a b c"
    assert normalise_body("cafe\u0301") == "caf\u00e9"


def test_canonical_url() -> None:
    assert (
        canonical_url("HTTPS://Example.ORG:443/a/b?utm_source=x&id=3&fbclid=y#comments")
        == "https://example.org/a/b?id=3"
    )
    assert canonical_url("http://example.org:8080") == "http://example.org:8080/"
    assert canonical_url("  ") is None
    assert canonical_url(None) is None


def test_page_lock_keys_follow_the_identities() -> None:
    text = [[Block("paragraph", "a b")]]
    keys = page_lock_keys("HTTPS://Example.org/a?utm_source=x", "T", text, "c" * 64)
    # The same page by another spelling of its URL, or with other whitespace: the same keys.
    assert keys == page_lock_keys(
        "https://example.org/a", " T", [[Block("paragraph", "a  b")]], "c" * 64
    )
    assert keys == sorted(keys)
    assert len(keys) == 3
    assert all(-(2**63) <= k < 2**63 for k in keys)
    assert lock_key("url", "https://example.org/a") in keys
    # Without a URL: its text and content only; another page shares none of them.
    assert page_lock_keys(None, "T", text, "c" * 64) == [
        k for k in keys if k != lock_key("url", "https://example.org/a")
    ]
    other = page_lock_keys("https://example.org/b", "U", [[Block("paragraph", "x")]], "d" * 64)
    assert not set(other) & set(keys)
    assert lock_key("url", "x") != lock_key("text", "x")


def test_article_fingerprint_ignores_whitespace_not_words() -> None:
    one = article_fingerprint("T", [[Block("paragraph", "a  b")]])
    assert one == article_fingerprint(" T", [[Block("paragraph", "a b")]])
    assert one != article_fingerprint("T", [[Block("paragraph", "a c")]])


# --- Property: crawls of a growing thread, merged in any order, end in the same thread. ---

AUTHORS = ["ann", "bob", "cy", "dee", "eve"]


@dataclass
class Truth:
    """The real thread behind the crawls: comments with an identity that never changes."""

    ident: int
    author: str
    minute: int
    body: str
    parent: int | None
    alive: bool = True
    edits: int = 0


@dataclass
class World:
    comments: list[Truth] = field(default_factory=list)

    def order(self) -> list[Truth]:
        """Threaded page order: each top-level comment, then its replies depth first."""
        kids: dict[int | None, list[Truth]] = {}
        for c in self.comments:
            kids.setdefault(c.parent, []).append(c)
        out: list[Truth] = []

        def walk(parent: int | None) -> None:
            for c in kids.get(parent, []):
                out.append(c)
                walk(c.ident)

        walk(None)
        return out

    def crawl(self) -> list[ParsedComment]:
        """The page: replies name their parent's author; every other one is also nested under
        it (when the parent is still shown), as threaded renderings show them."""
        by_id = {c.ident: c for c in self.comments}
        shown = [c for c in self.order() if c.alive]
        at = {c.ident: i for i, c in enumerate(shown)}
        return page(
            *(
                comment(
                    c.author,
                    c.minute,
                    c.body,
                    None if c.parent is None else by_id[c.parent].author,
                    parent_position=at.get(c.parent)
                    if c.parent is not None and c.ident % 2
                    else None,
                )
                for c in shown
            )
        )


STEPS = st.lists(
    st.tuples(
        st.lists(st.tuples(st.integers(0, 99), st.sampled_from(AUTHORS)), max_size=4),  # new
        st.lists(st.integers(0, 99), max_size=2),  # edits
        st.lists(st.integers(0, 99), max_size=2),  # removals
    ),
    min_size=1,
    max_size=5,
)


def grow(
    steps: list[tuple[list[tuple[int, str]], list[int], list[int]]],
) -> list[tuple[Stamp, list[ParsedComment]]]:
    """Crawls c1..cn of a thread that grows, is edited and loses comments between crawls."""
    world = World()
    crawls: list[tuple[Stamp, list[ParsedComment]]] = []
    minute = 0
    for n, (new, edits, removals) in enumerate(steps):
        for pick, author in new:
            alive = [c for c in world.comments if c.alive]
            parent = alive[pick % len(alive)] if alive and pick % 3 else None
            minute += 1
            ident = len(world.comments)
            world.comments.append(
                Truth(ident, author, minute, f"words of {ident}", parent.ident if parent else None)
            )
        for pick in edits:
            if world.comments:
                c = world.comments[pick % len(world.comments)]
                c.edits += 1
                c.body = f"words of {c.ident}, edit {c.edits}"
        for pick in removals:
            if world.comments:
                world.comments[pick % len(world.comments)].alive = False
        crawls.append(((1000 * (n + 1), f"h{n}"), world.crawl()))
    return crawls


def canonical(result: Merge) -> list[tuple[object, ...]]:
    """The thread with keys replaced by the comments' own identity (author and time)."""
    name = {k.key: (k.author, k.posted_at) for k in result.comments}
    tree = resolve_threads(as_parsed(result.comments))
    return [
        (
            name[k.key],
            k.current.body,
            [(v.body, v.first, v.last) for v in k.revisions],
            k.first,
            k.last,
            k.removed,
            k.edited,
            None if link.parent is None else name[result.comments[link.parent].key],
            link.resolution,
        )
        for k, link in zip(result.comments, tree, strict=True)
    ]


PROFILE = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(steps=STEPS, seed=st.randoms(use_true_random=False))
def test_crawls_in_any_order_end_in_the_same_thread(
    steps: list[tuple[list[tuple[int, str]], list[int], list[int]]], seed: random.Random
) -> None:
    crawls = grow(steps)
    in_order = replay(crawls)
    shuffled = list(crawls)
    seed.shuffle(shuffled)
    any_order = replay(shuffled)
    assert canonical(any_order) == canonical(in_order)
    identities = [(k.author, k.posted_at) for k in in_order.comments]
    assert len(identities) == len(set(identities))  # no comment duplicated


@PROFILE
@given(steps=STEPS, seed=st.randoms(use_true_random=False))
def test_merging_a_crawl_again_changes_nothing(
    steps: list[tuple[list[tuple[int, str]], list[int], list[int]]], seed: random.Random
) -> None:
    crawls = grow(steps)
    done = replay(crawls)
    stamp, comments = seed.choice(crawls)
    again = merge(done.comments, done.crawls, stamp, comments, -1000)
    assert again.repeated
    assert not again.changed
    assert again.comments == done.comments


@PROFILE
@given(steps=STEPS)
def test_keys_never_change_once_given(
    steps: list[tuple[list[tuple[int, str]], list[int], list[int]]],
) -> None:
    known: list[Known] = []
    stamps: list[Stamp] = []
    seen: dict[tuple[str, object], int] = {}
    next_key = -1
    for stamp, comments in grow(steps):
        result = merge(known, stamps, stamp, comments, next_key)
        next_key -= len(result.added)
        for k in result.comments:
            assert seen.setdefault((k.author, k.posted_at), k.key) == k.key
        known, stamps = result.comments, result.crawls
