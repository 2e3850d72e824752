"""Tom's journey (JOURNEYS.md) in a real browser (Chromium), on a real JFK scan read and
suggested by the jobs: the jobs page with its counts, then the scan's suggestions beside its
image, one accepted with the keyboard alone (Tab to the button, Enter), and the record has
it. axe-core checks both pages; a screenshot of the suggestions goes to docs/screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pikepdf
import pytest

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.publication import Actor
from chancery.services import search
from chancery.services.clock import today
from chancery.services.imports import import_paths
from tests.browser.test_reading_room import SCREENSHOTS
from tests.browser.test_workspace import PASSWORD, _log_in, _serious_violations, chromium
from tests.conftest import CORPUS, need
from tests.serving import served

__all__ = ["chromium"]
EDITOR = "tom@example.org"
SCAN = CORPUS / "scans" / "104-10069-10120_ocr.pdf"  # a 1962 memorandum, 2 pages
IDENT = "jfk-104-10069-10120"
CSV = f"""id,box,folder,title,language,files
{IDENT},7,1,Memorandum from the Minneapolis Office,en,memo.pdf
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, str]]:
    """The memorandum's first page imported from a spreadsheet, its OCR and suggest jobs
    run (its own text layer reads well: no Tesseract), an editor; served on loopback."""
    need(SCAN.is_file(), f"the JFK scans are not in {SCAN.parent}")
    root = tmp_path_factory.mktemp("tom-browser")
    box = root / "box-7"
    box.mkdir()
    with pikepdf.open(SCAN) as src:
        out = pikepdf.new()
        out.pages.append(src.pages[0])
        out.save(box / "memo.pdf")
    (box / "box-7.csv").write_text(CSV, encoding="utf-8")
    app: App = build_app(load_settings(data=str(root / "data"), database_url=""))
    summary = import_paths([box / "box-7.csv"], app.import_context())
    assert not summary.failed, summary.failed
    app.jobs.queue_documents([IDENT], summary.asked, summary.sources, cite=False)
    while app.jobs.run_next("test:1"):  # OCR, then the suggestions it queues
        pass
    search.refresh_index(app.catalogue, app.index)
    app.accounts.add_user(EDITOR, "editor", PASSWORD)
    with served(app) as url:
        yield app, url
    app.catalogue.dispose()


def _tab_to(tab: Any, selector: str, most: int = 200) -> None:
    """Press Tab until the element ``selector`` names has the focus, as a keyboard user
    does; fails when it never gets it."""
    for _ in range(most):
        tab.keyboard.press("Tab")
        if tab.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_jobs_then_a_suggestion_accepted_by_keyboard(chromium: Any,
                                                     site: tuple[App, str]) -> None:
    app, url = site
    found: dict[str, list[Any]] = {}
    tab = _log_in(chromium, url, EDITOR, found)
    tab.goto("/workspace/jobs")
    found["jobs"] = _serious_violations(tab)
    rows = {r.split("\t")[0]: r.split("\t") for r in
            tab.inner_text("table.jobs tbody").splitlines()}
    assert rows["ocr"][1:5] == ["0", "0", "1", "0"], rows  # queued, running, done, failed
    assert rows["suggest"][3] == "1", rows
    tab.goto(f"/workspace/documents/{IDENT}/suggestions")
    found["suggestions"] = _serious_violations(tab)
    scan = tab.locator(".ws-beside img").first
    scan.wait_for()
    # the scan's page is made on its first request: on a busy machine that outlasts the
    # page's own load, so wait for the image to arrive (30 s) rather than look at once
    tab.wait_for_function("(i) => i.complete && i.naturalWidth > 0", arg=scan.element_handle(),
                          timeout=30_000)
    image, listed = scan.bounding_box(), tab.locator(".ws-suggestions").bounding_box()
    assert image and listed
    assert image["x"] + image["width"] <= listed["x"] + 1  # beside: the scan on the left
    assert image["y"] < listed["y"] + listed["height"] and listed["y"] < image["y"] + image["height"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "suggestions.png"), full_page=False)
    button = "#kind-date ~ form.ws-suggestion button[value=accept]"
    assert tab.locator(button).count() == 1, tab.inner_text("main")[:1500]
    # the one-click action stands out; correcting and rejecting look quieter, on one row
    look = "(b) => getComputedStyle(b).backgroundColor"
    buttons = tab.locator("#kind-date ~ form.ws-suggestion button")
    colours = [buttons.nth(i).evaluate(look) for i in range(3)]
    assert colours[0] == colours[2] != colours[1], colours
    rows = {round(buttons.nth(i).bounding_box()["y"]) for i in range(3)}
    assert len(rows) == 1, rows
    _tab_to(tab, button)
    tab.keyboard.press("Enter")
    tab.wait_for_selector("p.notice[role=status]")
    assert "Accepted" in tab.inner_text("p.notice[role=status]")
    stored = app.catalogue.get_document(IDENT, Actor.EDITOR, today())
    assert stored is not None and stored.document.date.display == "31 August 1962"
    assert found == {name: [] for name in found}, found

