"""The document editor in a real browser (Chromium), by keyboard alone: Tab reaches every
field of the form and the save button, in order; after a failed save the summary of what to
put right has the focus; axe-core finds nothing serious on the editor, before or after."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from tests.browser.test_workspace import PASSWORD, _log_in, _serious_violations, chromium
from tests.editorial import DOCS, import_bundle
from tests.serving import served

__all__ = ["chromium"]  # the fixture, shared with the workflow's browser test
EDITOR = "keyboard@example.org"
# every control a person fills in or presses, as a browser's Tab order meets them
_CONTROLS = ("form.ed-form input:not([type=hidden]), form.ed-form select, form.ed-form a[href], "
             "form.ed-form textarea, form.ed-form button")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The okapi drafts and an editor, served on loopback."""
    root = tmp_path_factory.mktemp("editor-browser")
    app: App = build_app(load_settings(data=str(root / "data"), database_url=""))
    import_bundle(app, root / "bundle")
    app.accounts.add_user(EDITOR, "editor", PASSWORD)
    with served(app) as url:
        yield url
    app.catalogue.dispose()


def _focused(tab: Any) -> str:
    return str(tab.evaluate("document.activeElement.id || document.activeElement.name || "
                            "document.activeElement.tagName"))


def test_the_editor_by_keyboard_alone(chromium: Any, site: str) -> None:
    """From the page's first control, Tab visits every control of the form in document
    order and ends on the save button; Enter on it saves; with the title emptied the page
    comes back with the focus on the error summary, whose link leads to the title."""
    tab = _log_in(chromium, site, EDITOR)
    tab.goto(f"/workspace/documents/{DOCS[0]}/edit")
    found = {"editor": _serious_violations(tab)}
    wanted = tab.evaluate(f"Array.from(document.querySelectorAll({_CONTROLS!r}))"
                          ".map(e => e.id || e.name || e.tagName)")
    tab.focus("form.ed-form button[name=save]")  # the first control of the form
    visited = [_focused(tab)]
    for _ in range(len(wanted) * 2):
        tab.keyboard.press("Tab")
        if tab.evaluate("!document.activeElement.closest('form.ed-form')"):
            break
        visited.append(_focused(tab))
    # a date input takes three stops (day, month, year): one field all the same
    stops = [v for i, v in enumerate(visited) if i == 0 or v != visited[i - 1]]
    assert [v for v in stops if v != "save"] == [w for w in wanted if w != "save"]
    assert visited[-1] == "save" and len(wanted) > 60

    tab.fill("#f-title", "")
    tab.focus("form.ed-form button[name=save]")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert _focused(tab) == "error-summary"
    assert "a document needs a title" in tab.inner_text("#error-summary")
    found["failed save"] = _serious_violations(tab)
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")  # the summary's first link
    assert _focused(tab) == "f-title"
    assert {name: v for name, v in found.items() if v} == {}
