"""The reading room in a real browser (Debian's Chromium driven by Playwright): a reader's
journey, accessibility checked by axe-core, keyboard use, a phone-width screen, screenshots."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chancery.bootstrap import App, build_app
from chancery.citing.styles import PAGE_STYLES
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.services import citing, search
from chancery.services.imports import import_paths
from tests.conftest import FIXTURES, REFERENCE, ROOT, _reference_text, need
from tests.serving import free_port, served

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _archive(root: Path, address: str) -> App:
    # the address it is served at: the kept citations carry it, as `make demo`'s do
    app = build_app(load_settings(data=str(root / "data"), database_url="", public_url=address))
    reference = root / "reference"
    shutil.copytree(FIXTURES / "reference", reference)
    (reference / "000.en.txt").write_text(_reference_text("000", "The Embassy of the Union", None))
    (reference / "001.en.txt").write_text(
        _reference_text("001", "TO THE CENTRAL COMMITTEE", "18 July 1960"))
    sources = [reference, FIXTURES / "bilingual", DEMO_DIR / "frus1958-60v19.xml",
               DEMO_DIR / "scans" / "scans.csv"]
    assert not import_paths(sources, app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    citing.prerender(app.catalogue, app.citer, PAGE_STYLES, ["7da35b31", "0874552c"])
    return app


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo archive with the reference pair, served over HTTP on loopback."""
    need(REFERENCE.is_dir(), f"reference documents not found at {REFERENCE}")
    port = free_port()
    app = _archive(tmp_path_factory.mktemp("browser"), f"http://127.0.0.1:{port}")
    with served(app, port) as url:
        yield url
    app.catalogue.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian's package (no browser download)."""
    need(CHROMIUM.exists(), "Chromium not installed: apt-get install chromium")
    need(AXE.exists(), "axe-core not installed: npm ci --prefix tests/browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh tab that may use the clipboard, on a desktop-sized screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    tab = context.new_page()
    yield tab
    context.close()


def test_a_readers_journey(page: Any) -> None:
    """Search, narrow by a facet, open the note, copy its citation, follow "Enclosed in" to the
    letter, go back; then open a bilingual record and switch to the original-language tab."""
    page.goto("/")
    page.fill("#home-q", "experts Beijing")
    page.press("#home-q", "Enter")
    page.wait_for_selector("ol.hits")
    page.click("details.facet a[href*='type%3Anote']")
    page.wait_for_selector("ul.chips")
    assert page.locator("ol.hits > li").count() == 1
    page.click("ol.hits >> text=Note, the Soviet Embassy in Beijing")
    page.wait_for_selector("#doc-title")
    page.screenshot(path=str(_shot("document.png")), full_page=False)
    page.click("button[data-copy='#citation-house']")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("“Note, the Soviet Embassy in Beijing")
    assert "J IV 2/202/280. Translated by Dieter Heinzig and Anna Eckner." in copied
    page.click("details.style >> text=Chicago (note)")
    page.click("button[data-copy='#citation-chicago-note']")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Soviet Embassy in Beijing, “Note, the Soviet Embassy")
    assert "trans. Dieter Heinzig and Anna Eckner, July 18, 1960" in copied
    note_url = page.url
    page.click(".related >> text=Letter from the CC CPSU")
    page.wait_for_selector("#doc-title")
    assert "Letter from the CC CPSU" in page.inner_text("#doc-title")
    page.go_back()
    page.wait_for_selector("#doc-title")
    assert page.url == note_url
    page.goto("/documents/hukou058")
    english, chinese = "#text-en-translation", "#text-zh-original"
    assert page.is_visible(chinese) and not page.is_visible(english)  # the first version shows
    page.click(".tabs >> text=English translation")
    assert page.is_visible(english) and not page.is_visible(chinese)
    page.click(".tabs >> text=Chinese original")
    assert "户口登记" in page.inner_text(chinese)


def test_keyboard_reaches_the_content_and_the_tabs(page: Any) -> None:
    """The first Tab lands on the skip link, which moves focus to the content; arrow keys move
    between text versions."""
    page.goto("/documents/hukou058")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.focus(".tabs a[data-tab='text-zh-original']")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.tab") == "text-en-translation"
    assert page.is_visible("#text-en-translation")


PAGES = ["/", "/search?q=Taiwan&f=type:telegram", "/documents/7da35b31", "/documents/hukou058",
         "/collections/frus/frus1958-60v19", "/people/herter-christian-a", "/browse/1958",
         "/search?q=%22unclosed", "/documents/nowhere", "/documents/jfk-104-10216-10046",
         "/people", "/browse/1958/08/23", "/api/v1/docs", "/search?q=Cuba"]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(page: Any, path: str) -> None:
    """axe-core finds no serious or critical violation on each page type."""
    page.goto(path)
    # through the driver, not a <script> tag: the page's CSP rightly refuses inline scripts
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []
    assert page.locator("main").count() == 1 and page.locator("header[role=banner]").count() == 1


@pytest.mark.parametrize("path", ["/", "/search?q=Cuba", "/documents/7da35b31"])
def test_no_serious_accessibility_violations_in_dark_mode(browser: Any, base_url: str,
                                                          path: str) -> None:
    """The dark palette (prefers-color-scheme) keeps axe's contrast checks clean too."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url,
                                  color_scheme="dark")
    try:
        tab = context.new_page()
        tab.goto(path)
        assert tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        tab.evaluate(AXE.read_text())
        result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
        assert [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")] == []
    finally:
        context.close()


def test_list_links_are_quiet_until_hovered_or_focused(page: Any) -> None:
    """A result's title is not underlined until the pointer or the keyboard is on it, and
    keyboard focus draws a ring; a link in running text keeps its underline."""
    page.goto("/search?q=Cuba")
    title = page.locator(".hits h3 a").first
    decoration = "el => getComputedStyle(el).textDecorationLine"
    assert title.evaluate(decoration) == "none"
    title.hover()
    assert title.evaluate(decoration) == "underline"
    page.mouse.move(0, 0)
    page.focus(".hits h3 a")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert title.evaluate(decoration) == "underline"
    assert title.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    assert page.locator(".exports a").first.evaluate(decoration) == "underline"


def test_scanned_results_and_the_home_page_in_pictures(browser: Any, base_url: str) -> None:
    """Screenshots for the README: the home page, and results with first-page thumbnails,
    whose images have loaded (lazy, so scrolled into view first)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)
    try:
        tab = context.new_page()
        tab.goto("/")
        tab.screenshot(path=str(_shot("home.png")), full_page=True)
        tab.goto("/search?q=Cuba")
        thumbs = tab.locator(".hit .thumb img")
        assert thumbs.count() >= 2
        for k in range(thumbs.count()):
            thumbs.nth(k).scroll_into_view_if_needed()
            tab.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                  arg=thumbs.nth(k).element_handle())
        tab.evaluate("window.scrollTo(0, 0)")
        tab.screenshot(path=str(_shot("search.png")), full_page=False)
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES[:7])
def test_phone_width_needs_no_sideways_scrolling(browser: Any, base_url: str, path: str) -> None:
    """At 375 px wide nothing sticks out sideways."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, base_url=base_url)
    try:
        tab = context.new_page()
        tab.goto(path)
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide"
        if path == "/documents/7da35b31":
            tab.screenshot(path=str(_shot("document-phone.png")), full_page=False)
    finally:
        context.close()


def _shot(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / name


def test_phone_shows_results_before_facets_and_a_jump_bar(browser: Any, base_url: str) -> None:
    """At 375 px the first result is above the facet list, and a document page offers a bar
    that jumps to Cite, Share and Related (issue #10.20)."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, base_url=base_url)
    try:
        tab = context.new_page()
        tab.goto("/search?q=Taiwan")
        hit = tab.locator(".hit").first.bounding_box()
        facets = tab.locator("#facets").bounding_box()
        assert hit and facets and hit["y"] < facets["y"]
        tab.goto("/documents/7da35b31")
        assert tab.locator(".jump").is_visible()
        tab.click(".jump >> text=Cite")
        assert tab.evaluate("location.hash") == "#cite"
    finally:
        context.close()


def test_names_are_offered_as_the_reader_types(page: Any) -> None:
    """Typing the start of a name in the site search box fills its list of names (a native
    datalist, which keyboards and screen readers use as they use any input's list), and a
    live region says how many; the box keeps working as a search box."""
    page.goto("/search?q=Taiwan")
    box = page.locator("#site-q")
    box.fill("")
    box.press_sequentially("khru", delay=30)
    options = page.locator("#site-q-names option")
    options.first.wait_for(state="attached", timeout=5_000)
    assert box.get_attribute("list") == "site-q-names"
    assert options.first.get_attribute("value").startswith('"Khrushchev')
    assert "names suggested" in page.locator("#site-q-names-status").text_content()
    box.press("Enter")
    page.wait_for_url("**/search?q=khru*")
    page.goto("/")  # the home page's own box, which takes the header's place
    page.locator("#home-q").press_sequentially("her", delay=30)
    page.locator("#home-q-names option").first.wait_for(state="attached", timeout=5_000)
