"""The editorial journey of issue #11 in a real browser (Chromium), end to end: an editor
makes a document by hand with a scanned page and submits it; a reviewer publishes it, then
approves a correction after reading its diff; the reader's page, search and API show it; the
editor redacts a name in the text and a box on the scan, and no public page, snippet, image
tile or API answer shows the name again; an embargo set for tomorrow keeps a document hidden
until the clock says tomorrow. axe-core checks every workspace page on the way.

The server runs in this process (tests/serving.py), so moving the one clock
(chancery.domain.clock.utc_now) moves the server's day too: no test hook in the product."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain import clock
from tests.browser.test_workspace import PASSWORD, _log_in, _serious_violations, chromium
from tests.editorial import DOCS, import_bundle
from tests.scan_pdfs import text_pdf, word_box
from tests.serving import served

__all__ = ["chromium"]  # the fixture, shared with the workflow's browser test
EDITOR, REVIEWER = "journey-editor@example.org", "journey-reviewer@example.org"
NAME = "Pemberton"  # the name the editor redacts: in the text and on the scan, nowhere else
SCAN = text_pdf([[(72, 650, "Memorandum for the record."),
                  (72, 600, f"Agent {NAME} met the consul.")]])
TITLE = "Memorandum on the consul's meeting"
BODY = f"Agent {NAME} met the consul in Vienna on 2 March 1961.\n\nNo agreement was reached."
EMBARGOED = DOCS[0]  # an imported draft on the okapi question


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The okapi drafts, an editor and a reviewer, served on loopback."""
    root = tmp_path_factory.mktemp("journey-browser")
    app: App = build_app(load_settings(data=str(root / "data"), database_url=""))
    import_bundle(app, root / "bundle")
    app.accounts.add_user(EDITOR, "editor", PASSWORD)
    app.accounts.add_user(REVIEWER, "reviewer", PASSWORD)
    with served(app) as url:
        yield url
    app.catalogue.dispose()


class Journey:
    """The three people of the journey, each in a browser of their own, and what axe-core
    found on each workspace page they saw."""

    def __init__(self, chromium: Any, site: str) -> None:
        self.found: dict[str, list[Any]] = {}
        self.editor = _log_in(chromium, site, EDITOR, self.found)
        self.checked("editor dashboard", self.editor)
        self.reviewer = _log_in(chromium, site, REVIEWER)
        self.checked("reviewer dashboard", self.reviewer)
        self.reader = chromium.new_context(base_url=site).new_page()

    def checked(self, name: str, tab: Any) -> None:
        self.found[name] = _serious_violations(tab)

    def step(self, tab: Any, button: str, done: str, comment: tuple[str, str] = ("", "")) -> None:
        """Press a button of the document page (after a comment), and wait for its notice."""
        if comment[0]:
            tab.fill(comment[0], comment[1])
        tab.click(button)
        tab.wait_for_selector("p.notice[role=status]")
        assert done in tab.inner_text("p.notice[role=status]"), tab.inner_text("main")[:800]

    def public(self, path: str) -> Any:
        """The reader's answer to a public address (the API, an image), not a page."""
        return self.reader.context.request.get(path)


def _make_document(j: Journey) -> str:
    """The editor's new form, filled in and saved with a scan; the draft's public id."""
    tab = j.editor
    tab.click("a[href='/workspace/documents/new']")
    tab.wait_for_selector("form.ed-form")
    j.checked("new document", tab)
    tab.fill("[name=title]", TITLE.replace("meeting", "meetng"))  # a typo, corrected below
    tab.select_option("[name=type]", "memorandum")
    tab.fill("[name='date.display']", "2 March 1961")
    row = tab.get_attribute("[name^='texts.'][name$='.body']", "name").rsplit(".", 1)[0]
    tab.fill(f"[name='{row}.language']", "en")
    tab.fill(f"[name='{row}.body']", BODY)
    tab.set_input_files("input[name=scans]", files=[
        {"name": "memo-1961-03-02.pdf", "mimeType": "application/pdf", "buffer": SCAN}])
    tab.click("form.ed-form button[name=save] >> nth=0")
    tab.wait_for_selector("p.notice[role=status]")
    assert "made, as a draft" in tab.inner_text("p.notice[role=status]")
    j.checked("new draft", tab)
    return tab.url.rsplit("/", 1)[1].split("?")[0]


def _publish(j: Journey, public_id: str) -> None:
    """Submitted by the editor, found by the reviewer waiting for review, published."""
    j.step(j.editor, "button:has-text('Submit for review')", "Submitted",
           ("#comment-submit", "typed from the scan"))
    assert j.reader.goto(f"/documents/{public_id}").status == 404
    j.reviewer.reload()
    j.reviewer.click(f"section[aria-labelledby=waiting] a[href='/workspace/documents/{public_id}']")
    j.reviewer.wait_for_selector("#actions")
    assert TITLE.replace("meeting", "meetng") in j.reviewer.inner_text("h1")
    j.checked("document in review", j.reviewer)
    j.step(j.reviewer, "form[action$='/publish'] button", "Published")


def _correct(j: Journey, public_id: str) -> None:
    """The editor fixes the title's typo (a change waiting for review); the reviewer reads
    the diff, title before and after, and approves it."""
    j.editor.goto(f"/workspace/documents/{public_id}/edit")
    j.checked("editor on a published document", j.editor)
    j.editor.fill("[name=title]", TITLE)
    j.editor.fill("[name=comment]", "typo in the title")
    j.editor.click("form.ed-form button[name=save] >> nth=0")
    j.editor.wait_for_selector("section.ws-pending")
    j.reader.goto(f"/documents/{public_id}")
    assert "meetng" in j.reader.inner_text("#doc-title")  # the public keeps the published one
    j.reviewer.goto(f"/workspace/documents/{public_id}")
    rows = j.reviewer.locator("table.diff tbody tr")
    assert rows.count() == 1  # the title, and nothing the form merely spells otherwise
    cells = [c.text_content() for c in rows.first.locator("th, td").all()]
    assert cells == ["title", TITLE.replace("meeting", "meetng"), TITLE]
    j.checked("change waiting for review", j.reviewer)
    j.step(j.reviewer, "button:has-text('Approve the change')", "approved")
    j.reviewer.goto(f"/workspace/documents/{public_id}/history")
    assert j.reviewer.locator("form[action$='/revert']").count() >= 1
    j.checked("history with its diffs and revert forms", j.reviewer)


def _reader_sees(j: Journey, public_id: str, name: bool) -> None:
    """The reader's page, search (hit and snippet) and API: the document is there, with the
    name or without it."""
    page = j.reader.goto(f"/documents/{public_id}")
    assert page.status == 200 and TITLE in j.reader.inner_text("#doc-title")
    assert (NAME in j.reader.inner_text("main")) is name
    j.reader.goto("/search?q=consul")
    hit = j.reader.locator(f"a[href*='/documents/{public_id}']")
    assert hit.count() >= 1, j.reader.inner_text("main")[:600]
    assert (NAME in j.reader.inner_text("main")) is name
    j.reader.goto(f"/search?q={NAME}")
    assert (j.reader.locator(f"a[href*='/documents/{public_id}']").count() > 0) is name
    record = j.public(f"/api/v1/documents/{public_id}")
    texts = j.public(f"/api/v1/documents/{public_id}/texts/en-original")
    assert record.status == texts.status == 200
    assert (NAME in record.text() + texts.text()) is name
    found = j.public(f"/api/v1/search?q={NAME}").json()
    assert (found["total"] > 0) is name


def _scan_region(j: Journey, public_id: str, region: str) -> Image.Image:
    """The region of the scan's first page as an IIIF tile, under the key the public has."""
    [scan] = j.public(f"/api/v1/documents/{public_id}").json()["media"]
    tile = j.public(f"/iiif/3/{scan['sha256']}-1/{region}/max/0/default.png")
    assert tile.status == 200, tile.text()[:300]
    return Image.open(io.BytesIO(tile.body())).convert("L")


def _redact(j: Journey, public_id: str, box: str) -> None:
    """The name's words in the text, and a box over it on the scan, from the document page."""
    tab = j.editor
    tab.goto(f"/workspace/documents/{public_id}")
    tab.fill("#r-words", NAME)
    tab.fill("#r-reason-t", "(b)(6)")
    tab.click("button:has-text('Redact the words')")
    tab.wait_for_selector("p.notice[role=status]")
    for side, value in zip(("x", "y", "w", "h"), box.split(","), strict=True):
        tab.fill(f"#r-{side}", value)
    tab.fill("#r-reason-b", "(b)(6)")
    tab.click("button:has-text('Black out the region')")
    tab.wait_for_selector("p.notice[role=status]")
    assert tab.locator("tr.redaction-active").count() == 2
    j.checked("document with redactions", tab)


def _embargo(j: Journey, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reviewer embargoes a submitted draft until tomorrow and publishes it: hidden from
    the reader's page, search and API today, there when the clock says tomorrow."""
    j.editor.goto(f"/workspace/documents/{EMBARGOED}")
    j.step(j.editor, "button:has-text('Submit for review')", "Submitted")
    j.reviewer.goto(f"/workspace/documents/{EMBARGOED}")
    tomorrow = clock.today() + timedelta(days=1)
    j.reviewer.fill("#until", tomorrow.isoformat())
    j.step(j.reviewer, "button:has-text('Set embargo')", "embargo")
    j.step(j.reviewer, "form[action$='/publish'] button", "Published")
    assert f"embargoed until {tomorrow.isoformat()}" in j.reviewer.inner_text("dl.ws-record")
    j.checked("embargoed document", j.reviewer)
    _embargoed_is_shown(j, False)
    morning = datetime.combine(tomorrow, datetime.min.time(), UTC) + timedelta(hours=6)
    monkeypatch.setattr(clock, "utc_now", lambda: morning)
    _embargoed_is_shown(j, True)


def _embargoed_is_shown(j: Journey, shown: bool) -> None:
    """The embargoed document on the reader's page, the API and both searches, or not."""
    assert j.reader.goto(f"/documents/{EMBARGOED}").status == (200 if shown else 404)
    assert (j.public(f"/api/v1/documents/{EMBARGOED}").status == 200) is shown
    found = [h["public_id"] for h in j.public("/api/v1/search?q=okapi").json()["hits"]]
    assert (EMBARGOED in found) is shown
    j.reader.goto("/search?q=okapi")
    assert (j.reader.locator(f"a[href*='/documents/{EMBARGOED}']").count() > 0) is shown


def test_the_editorial_journey(chromium: Any, site: str,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Made by hand with a scan, submitted, published, corrected through review, redacted
    (text and scan), and an embargo that lifts itself: each step seen from the reader's side,
    and no serious axe finding on any workspace page."""
    j = Journey(chromium, site)
    public_id = _make_document(j)
    _publish(j, public_id)
    _correct(j, public_id)
    _reader_sees(j, public_id, name=True)
    found = word_box(SCAN, 1, NAME)
    box = ",".join(f"{v * 100:.3f}" for v in (found.x, found.y, found.w, found.h))
    assert min(_scan_region(j, public_id, f"pct:{box}").getdata()) < 60  # the name's ink
    assert max(_scan_region(j, public_id, f"pct:{box}").getdata()) > 200  # and the paper
    [original] = j.public(f"/api/v1/documents/{public_id}").json()["media"]
    _redact(j, public_id, box)
    # the original's key is unknown to the public from now on, at every size
    assert j.public(f"/iiif/3/{original['sha256']}-1/full/max/0/default.png").status == 404
    _reader_sees(j, public_id, name=False)
    assert j.reader.goto(f"/documents/{public_id}").status == 200
    assert "[redacted: (b)(6)]" in j.reader.inner_text("main")
    assert max(_scan_region(j, public_id, f"pct:{box}").getdata()) < 20  # black, all of it
    _embargo(j, monkeypatch)
    assert {page: v for page, v in j.found.items() if v} == {}
