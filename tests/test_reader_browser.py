"""The reader at `/` and the API docs in a real browser: Debian's chromium driven by Playwright,
against a real server on 127.0.0.1 holding the seed. No request may leave 127.0.0.1.

Screenshots go to screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect, sync_playwright

from tests.conftest import EDGE, ROOT, SEED, ingest, served

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "screenshots"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"
)


ORPHANS = ROOT / "tests" / "browser" / "orphans.txt"  # 12 replies to a comment not on the page


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("browser") / "threadbase.db"
    ingest(path, SEED, EDGE, ORPHANS)  # articles 1, 2 and 3
    with served(path) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Outside:
    """Every request the page makes; any whose host is not 127.0.0.1 is blocked and kept."""

    def __init__(self) -> None:
        self.blocked: list[str] = []
        self.seen: list[str] = []

    def route(self, route: Route, request: Request) -> None:
        self.seen.append(request.url)
        scheme, host = urlsplit(request.url)[:2]
        if scheme in {"http", "https", "ws", "wss"} and host.split(":")[0] != "127.0.0.1":
            self.blocked.append(request.url)
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, Outside]]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    outside = Outside()
    context.route("**/*", outside.route)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page, outside
    context.close()
    assert outside.blocked == [], f"requests left 127.0.0.1: {outside.blocked}"
    assert errors == [], f"errors in the page: {errors}"


def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def test_article_list_article_thread_and_more(page: tuple[Page, Outside], base_url: str) -> None:
    p, _ = page
    p.goto(f"{base_url}/")
    first = p.get_by_role("link", name="Putin Tells Oliver Stone About His Days As A KGB Spy")
    expect(first).to_be_visible()
    expect(p.locator(".card", has=first)).to_contain_text("22 comments · 12 commenters")
    shot(p, "01-articles")

    first.click()
    expect(p).to_have_url(re.compile(r"#/articles/1$"))
    expect(p.locator("h1")).to_have_text("Putin Tells Oliver Stone About His Days As A KGB Spy")
    # Quotes in the text are marked, with their speaker linked.
    expect(p.locator(".text mark.quote").first).to_be_visible()
    expect(p.locator(".text .speaker", has_text="Masha Gessen").first).to_be_visible()
    # The thread: nested comments, and a parent the page does not show.
    expect(p.locator("#c9 #c17 #c10")).to_be_visible()
    expect(p.locator(".missing-head", has_text="Art Van Delay")).to_be_visible()
    shot(p, "02-article", full_page=False)
    p.locator("#thread-title").evaluate("(el) => el.scrollIntoView()")
    shot(p, "03-thread", full_page=False)

    # A `more` node loads its continuation in place.
    more = p.locator("#c10 button.more")
    expect(more).to_have_text("Show 3 more replies")
    more.click()
    expect(p.locator("#c10 button.more")).to_have_count(0)
    expect(p.locator("#c10 #c11")).to_be_visible()
    expect(p.locator("#c10 > .inside > .nodes > li > article.comment")).to_have_count(3)

    # Collapsing a comment hides its replies, and says so.
    toggle = p.locator("#c9 > .head > button.toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(p.locator("#c17")).to_be_hidden()
    expect(p.locator("#c9 > .collapsed-note")).to_have_text("hidden, with 2 replies")


def test_more_under_a_missing_parent_continues_the_same_group(
    page: tuple[Page, Outside], base_url: str
) -> None:
    p, _ = page
    p.goto(f"{base_url}/#/articles/3")
    group = p.locator("section.missing")
    expect(group.locator(".missing-head")).to_contain_text("Replies to ghost")
    expect(group.locator("article.comment")).to_have_count(10)
    group.locator("button.more").click()
    expect(group.locator("article.comment")).to_have_count(12)
    expect(p.locator("section.missing")).to_have_count(1)  # not a second group inside the first
    expect(group.locator("button.more")).to_have_count(0)


def test_permalink_opens_the_comment_in_its_context(
    page: tuple[Page, Outside], base_url: str
) -> None:
    p, _ = page
    p.goto(f"{base_url}/#/articles/1")
    p.locator("#c10 .permalink").click()
    expect(p).to_have_url(re.compile(r"#/comments/10$"))
    expect(p.locator("h1")).to_have_text("Comment by LetThemEatRand")
    # Its ancestors, farthest first, then the comment itself, then its replies.
    chain = p.locator(".context > li > article.comment")
    expect(chain).to_have_count(3)
    expect(chain.nth(0)).to_have_attribute("id", "c9")
    expect(chain.nth(1)).to_have_attribute("id", "c17")
    expect(chain.nth(2)).to_have_attribute("aria-current", "true")
    expect(p.locator(".thread #c11")).to_be_visible()
    shot(p, "04-permalink")

    # An orphan's permalink shows the missing parent as such.
    p.goto(f"{base_url}/#/comments/1")
    expect(p.locator(".context .missing-head")).to_contain_text("Art Van Delay")


def test_search_shows_highlighted_snippets(page: tuple[Page, Outside], base_url: str) -> None:
    p, outside = page
    p.goto(f"{base_url}/")
    expect(p.locator(".card").first).to_be_visible()  # the page's modules are running
    p.get_by_label("Search comments, articles and quotes").fill("light touch")
    p.keyboard.press("Enter")
    expect(p).to_have_url(re.compile(r"#/search\?q=light%20touch$"))
    marks = p.locator(".hits .snippet mark")
    expect(marks.first).to_be_visible()
    assert {m.lower() for m in marks.all_inner_texts()} <= {"light", "touch"}
    shot(p, "05-search")
    assert any("/v1/search?q=light+touch" in url for url in outside.seen)

    # From a hit to the author's comments, and from a quote to its speaker.
    p.locator(".hit.comment .where a").first.click()
    expect(p.locator("h1")).to_contain_text("Comment by")
    p.locator(".context .target .author").click()
    expect(p.locator("h1")).to_contain_text("Comments by")
    expect(p.locator("ol.plain > li").first).to_be_visible()
    p.goto(f"{base_url}/#/speakers")
    p.get_by_role("link", name="Masha Gessen").click()
    expect(p.locator("h1")).to_have_text("Quotes by Masha Gessen")
    expect(p.locator("blockquote mark").first).to_contain_text("washing machine")


def test_reader_is_usable_by_keyboard_at_phone_width(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        p = context.new_page()
        p.goto(f"{base_url}/#/articles/1")
        expect(p.locator("#c10 button.more")).to_be_visible()
        # Nothing is wider than the screen.
        assert p.evaluate("document.documentElement.scrollWidth") <= 390
        shot(p, "06-phone-article", full_page=False)
        # The `more` button is reached and pressed with the keyboard alone.
        p.locator("#c10 button.more").focus()
        p.keyboard.press("Enter")
        expect(p.locator("#c10 #c11")).to_be_visible()
        # Focus moved into what was loaded, and focus is visible.
        outline = p.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert p.evaluate("document.activeElement.closest('#c11') !== null")
        assert outline != "none"
    finally:
        context.close()


def test_reader_sends_a_self_only_content_security_policy(
    page: tuple[Page, Outside], base_url: str
) -> None:
    p, _ = page
    response = p.goto(f"{base_url}/")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


@pytest.mark.parametrize("path", ["/docs", "/docs/swagger", "/docs/redoc", "/docs/rapidoc"])
def test_docs_render_offline(page: tuple[Page, Outside], base_url: str, path: str) -> None:
    p, outside = page
    p.goto(f"{base_url}{path}")
    if path == "/docs/redoc":
        operation = p.get_by_role("heading", name="List articles")
    else:  # Swagger UI and RapiDoc list each operation by its summary
        operation = p.get_by_text("List articles").first
    expect(operation).to_be_visible(timeout=15_000)
    shot(p, f"07-docs{path.replace('/', '-')}", full_page=False)
    assert any(url.endswith(".js") and "/vendor/" in url for url in outside.seen)


def test_a_search_submitted_without_the_script_still_lands_on_results(
    page: tuple[Page, Outside], base_url: str
) -> None:
    p, _ = page
    p.goto(f"{base_url}/?q=light%20touch")  # what the form sends before app.js runs
    expect(p).to_have_url(re.compile(r"#/search\?q=light%20touch$"))
    expect(p.locator(".hits .snippet mark").first).to_be_visible()
    # Articles and quotes are searched too, one kind at a time.
    p.get_by_role("link", name="Quotes", exact=True).click()
    expect(p).to_have_url(re.compile(r"#/search\?q=light%20touch&type=quote$"))
    expect(p.locator(".hits .hit.quote").first).to_contain_text("Putin is not a light touch")
    p.goto(f"{base_url}/#/search?q=washing%20machine&type=article")
    expect(p.locator(".hits .hit.article .snippet mark").first).to_have_text("washing")
