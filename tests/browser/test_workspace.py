"""The workspace in a real browser (Chromium): an editor submits a draft, a reviewer publishes
it, the reader's page shows it; axe-core on each workspace page along the way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from tests.browser.test_reading_room import ARGS, AXE, CHROMIUM
from tests.conftest import need
from tests.editorial import DOCS, import_bundle
from tests.serving import served

PASSWORD = "a long enough passphrase"
EDITOR, REVIEWER = "editor@example.org", "reviewer@example.org"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The okapi drafts and two accounts, served on loopback."""
    root = tmp_path_factory.mktemp("workspace-browser")
    app: App = build_app(load_settings(data=str(root / "data"), database_url=""))
    import_bundle(app, root / "bundle")
    app.accounts.add_user(EDITOR, "editor", PASSWORD)
    app.accounts.add_user(REVIEWER, "reviewer", PASSWORD)
    with served(app) as url:
        yield url
    app.catalogue.dispose()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    need(CHROMIUM.exists(), "Chromium not installed: apt-get install chromium")
    need(AXE.exists(), "axe-core not installed: npm ci --prefix tests/browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def _serious_violations(tab: Any) -> list[Any]:
    # through the driver, not a <script> tag: the CSP refuses inline scripts
    tab.evaluate(AXE.read_text())
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _log_in(chromium: Any, site: str, email: str,
            checked: dict[str, list[Any]] | None = None) -> Any:
    """A browser of its own, logged in by the form, on the dashboard."""
    tab = chromium.new_context(base_url=site, viewport={"width": 1280, "height": 900}).new_page()
    tab.goto("/workspace")  # anonymous: sent to the login form, and back after it
    if checked is not None:
        checked["login"] = _serious_violations(tab)
    tab.fill("#email", email)
    tab.fill("#password", PASSWORD)
    tab.click("button:has-text('Log in')")
    tab.wait_for_url("**/workspace")
    return tab


def test_editor_submits_reviewer_publishes_reader_sees_it(chromium: Any, site: str) -> None:
    """Login, dashboard, document page and the step's result, each free of serious axe
    findings; the reader's page answers once the reviewer has published."""
    checked: dict[str, list[Any]] = {}
    editor = _log_in(chromium, site, EDITOR, checked)
    checked["editor dashboard"] = _serious_violations(editor)
    # imported drafts are no one's own: the editor finds them through "All drafts"
    editor.click("a:has-text('All drafts')")
    editor.wait_for_selector(f"a[href='/workspace/documents/{DOCS[0]}']")
    checked["workspace search"] = _serious_violations(editor)
    editor.click(f"a[href='/workspace/documents/{DOCS[0]}']")
    editor.wait_for_selector("#actions")
    checked["editor document"] = _serious_violations(editor)
    editor.fill("#comment-submit", "checked against the scan")
    editor.click("button:has-text('Submit for review')")
    editor.wait_for_selector("p.notice[role=status]")
    assert "in-review" in editor.inner_text("strong.state")
    assert editor.locator("button:has-text('Publish')").count() == 0  # an editor's page
    reader = editor.context.browser.new_context(base_url=site).new_page()
    assert reader.goto(f"/documents/{DOCS[0]}").status == 404

    reviewer = _log_in(chromium, site, REVIEWER)
    assert EDITOR in reviewer.inner_text("section[aria-labelledby=waiting]")
    checked["reviewer dashboard"] = _serious_violations(reviewer)
    reviewer.click(f"section[aria-labelledby=waiting] a[href='/workspace/documents/{DOCS[0]}']")
    reviewer.wait_for_selector("#actions")
    checked["reviewer document"] = _serious_violations(reviewer)
    reviewer.click("button:has-text('Request changes')")  # no comment: the browser asks for one
    assert reviewer.evaluate("document.querySelector('#comment-request-changes')"
                             ".validity.valueMissing")
    reviewer.click("form[action$='/publish'] button")
    reviewer.wait_for_selector("p.notice[role=status]")
    assert "published" in reviewer.inner_text("strong.state")
    checked["after publishing"] = _serious_violations(reviewer)
    assert reader.goto(f"/documents/{DOCS[0]}").status == 200
    assert "Telegram 1 on the okapi question" in reader.inner_text("#doc-title")
    assert {page: found for page, found in checked.items() if found} == {}
