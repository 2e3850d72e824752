"""Suggestions and OCR correction in the workspace over HTTP, as a browser without script
posts them: the suggestions beside the scan by kind, each accepted, corrected or rejected by
its own form, all of one kind at once; the OCR corrected into a transcription with the OCR
kept; and a suggested value reaches no public page, API or search until it is accepted and
a reviewer approves it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.demo import DEMO_DIR
from chancery.domain.accounts import Role
from chancery.domain.authorities import Role as LinkRole
from chancery.domain.publication import Actor
from chancery.domain.suggestions import Finding, Kind
from chancery.domain.workflow import Acting, Step
from chancery.services import search
from chancery.services.clock import today
from chancery.services.redacting import Wanted
from chancery.storage.interface import StoredDocument
from chancery.web.server import create_app
from tests.e2e.test_workspace_access import _csrf
from tests.e2e.test_workspace_documents import _logged_in
from tests.editorial import DOCS, import_bundle

SCAN = DEMO_DIR / "scans" / "104-10298-10184_ocr.pdf"  # a real declassified scan, 2 pages
EDITOR = Acting("ed@example.org", Role.EDITOR)
REVIEWER = Acting("rev@example.org", Role.REVIEWER)
CANARY = "Wombatovich"  # a name only a suggestion holds
FINDINGS = [Finding(Kind.DATE, "18 Jul 63", 0.92, "DATE: 18 Jul 63", 0, 15,
                    {"display": "18 Jul 63", "start": "1963-07-18", "end": "1963-07-18",
                     "precision": "day"}, stage="date/1"),
            Finding(Kind.PERSON, f"{CANARY}, Ivan", 0.81, f"I. {CANARY.upper()}",
                    stage="entities/1"),
            Finding(Kind.PERSON, "Castro, Fidel", 0.7, "CASTRO", stage="entities/1"),
            Finding(Kind.PLACE, "Havana", 0.6, "HAVANA", stage="entities/1")]


def _doc(app: App, ident: str) -> StoredDocument:
    stored = app.catalogue.get_document(ident, Actor.EDITOR, today())
    assert stored is not None
    return stored


def _with_scan(app: App, ident: str) -> None:
    with SCAN.open("rb") as f:
        media = app.editor.store_scan(f, "scan.pdf")
    _, seen, _ = app.editing.draft_of(ident, EDITOR)
    app.editing.edit(ident, {}, EDITOR, seen, scans=[media])


@pytest.fixture
def site(sqlite_app: App, tmp_path: Path) -> tuple[App, TestClient]:
    import_bundle(sqlite_app, tmp_path / "b")
    _with_scan(sqlite_app, DOCS[0])
    sqlite_app.suggestion_review.store(_doc(sqlite_app, DOCS[0]).id, FINDINGS)
    client, _ = _logged_in(sqlite_app, "editor")
    return sqlite_app, client


def _page(client: TestClient, ident: str = DOCS[0]) -> str:
    answer = client.get(f"/workspace/documents/{ident}/suggestions")
    assert answer.status_code == 200, answer.text[:300]
    return answer.text


def _id(html: str, value: str) -> str:
    """The id of the suggestion form that shows ``value``."""
    found = re.search(r'name="id" value="(\d+)">\s*<p id="sg-\1"><strong class="sg-value">'
                      + re.escape(value) + "<", html)
    assert found, value
    return found.group(1)


def _post(client: TestClient, html: str, ident: str = DOCS[0], **form: str) -> tuple[int, str]:
    answer = client.post(f"/workspace/documents/{ident}/suggestions",
                         data={"csrf": _csrf(html), **form}, follow_redirects=False)
    return answer.status_code, answer.headers.get("location") or answer.text


def test_the_page_shows_each_kind_beside_the_scan(site: tuple[App, TestClient]) -> None:
    """Grouped by kind, each with value, confidence, evidence and stage, its three buttons,
    "Accept all" where a kind has several; the scan's pages drawn from the staff's route."""
    app, client = site
    html = _page(client)
    assert [h for h in re.findall(r'<h3 id="kind-(\w+)">', html)] == ["date", "people", "places"]
    assert "92% sure" in html and f"<q class=\"sg-evidence\">I. {CANARY.upper()}</q>" in html
    assert "(entities/1)" in html and 'value="accept-all">Accept all 2 (people)' in html
    assert html.count('value="correct">Correct to this') == 4
    pages = re.findall(r'<img src="(/workspace/scans/[0-9a-f]{64}/\d-1000.png)"', html)
    assert len(pages) == 2
    image = client.get(pages[0])
    assert image.status_code == 200 and image.content[:4] == b"\x89PNG"
    assert image.headers["cache-control"] == "private, no-store"
    assert TestClient(create_app(app)).get(pages[0], follow_redirects=False).status_code == 303
    assert "<script>" not in html and not re.search(r"<[^>]+\son[a-z]+\s*=", html)
    doc_page = client.get(f"/workspace/documents/{DOCS[0]}").text
    assert f'href="/workspace/documents/{DOCS[0]}/suggestions"' in doc_page
    editor = client.get(f"/workspace/documents/{DOCS[0]}/edit").text
    assert f'href="/workspace/documents/{DOCS[0]}/suggestions"' in editor


def test_accept_correct_and_reject_by_plain_form_posts(site: tuple[App, TestClient]) -> None:
    app, client = site
    html = _page(client)
    status, where = _post(client, html, id=_id(html, "18 Jul 63"), decision="accept",
                          value="18 Jul 63")
    assert (status, where) == (303, f"/workspace/documents/{DOCS[0]}/suggestions?done=accepted")
    assert _doc(app, DOCS[0]).document.date.display == "18 Jul 63"
    assert "Accepted: the record has it now." in client.get(where).text
    status, _ = _post(client, html, id=_id(html, "Havana"), decision="correct",
                      value="Havana, Cuba")
    assert status == 303 and _doc(app, DOCS[0]).names(LinkRole.PLACE_MENTIONED) == ["Havana, Cuba"]
    status, where = _post(client, html, id=_id(html, "Castro, Fidel"), decision="reject")
    assert where.endswith("done=rejected")
    after = _page(client)
    assert "Castro, Fidel</span>: <span class=\"state\">rejected</span>" in after
    assert "as <strong>Havana, Cuba</strong>" in after
    # the same decision again: someone decided already (409), the page says who
    status, text = _post(client, html, id=_id(html, "Castro, Fidel"), decision="accept")
    assert status == 409 and "rejected this suggestion already" in text


def test_all_of_one_kind_and_forms_that_are_not_right(site: tuple[App, TestClient]) -> None:
    app, client = site
    html = _page(client)
    assert _post(client, html, kind="people", decision="accept-all")[0] == 303
    assert _doc(app, DOCS[0]).names(LinkRole.MENTIONED) == [f"{CANARY}, Ivan", "Castro, Fidel"]
    assert _post(client, html, id="999999", decision="accept")[0] == 404
    assert _post(client, html, id="x", decision="accept")[0] == 400
    assert _post(client, html, kind="colour", decision="accept-all")[0] == 400
    assert _post(client, html, kind="date", decision="correct")[0] == 400
    assert _post(client, html, id=_id(html, "Havana"), decision="correct", value=" ")[0] == 400
    assert client.get("/workspace/documents/nodoc/suggestions").status_code == 404


def test_a_correction_of_the_ocr_becomes_the_transcription(site: tuple[App, TestClient]) -> None:
    """The form opens on the OCR text; saving makes an original text version labelled as
    corrected from OCR, the OCR version kept; opening it again shows the correction."""
    app, client = site
    _, seen, _ = app.editing.draft_of(DOCS[1], EDITOR)
    ocr = {"key": "en-ocr", "language": "en", "kind": "ocr", "body": "Tne okapi qnestion."}
    app.editing.edit(DOCS[1], {"texts": [ocr]}, EDITOR, seen)
    url = f"/workspace/documents/{DOCS[1]}/transcription"
    form = client.get(url).text
    assert "Tne okapi qnestion.</textarea>" in form
    assert f'href="{url}"' in client.get(f"/workspace/documents/{DOCS[1]}").text
    seen_stamp = re.search(r'name="seen" value="([^"]*)"', form)
    assert seen_stamp
    answer = client.post(url, data={"csrf": _csrf(form), "version": "en-ocr",
                                     "seen": seen_stamp.group(1),
                                     "body": "The okapi question.\r\n"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith("done=saved")
    texts = {t.version_key: t for t in _doc(app, DOCS[1]).document.texts}
    assert texts["en-ocr"].body == "Tne okapi qnestion."
    made = texts["en-original"]
    assert (made.kind.value, made.label, made.body.strip()) == (
        "original", "English (transcription, corrected from OCR)", "The okapi question.")
    assert "The okapi question.\n</textarea>" in client.get(url).text
    empty = client.post(url, data={"csrf": _csrf(form), "version": "en-ocr", "body": " "})
    assert empty.status_code == 400 and "empty" in empty.text


def test_a_transcription_keeps_what_a_source_gave_and_the_ocrs_redactions(
        site: tuple[App, TestClient]) -> None:
    """A document with a transcription of its own gets the correction beside it; words
    redacted in the OCR are redacted in the draft's transcription too."""
    app, client = site
    record, seen, _ = app.editing.draft_of(DOCS[2], EDITOR)
    ocr = {"key": "en-ocr", "language": "en", "kind": "ocr", "body": "Agent Quoll met us."}
    app.editing.edit(DOCS[2], {"texts": [*record["texts"], ocr]}, EDITOR, seen)
    app.redacting.redact(DOCS[2], Wanted("(b)(6)", text="Quoll", version="en-ocr"), EDITOR)
    form = client.get(f"/workspace/documents/{DOCS[2]}/transcription").text
    answer = client.post(f"/workspace/documents/{DOCS[2]}/transcription", data={
        "csrf": _csrf(form), "version": "en-ocr", "body": "Agent Quoll met us there.",
        "seen": re.search(r'name="seen" value="([^"]*)"', form).group(1)},  # type: ignore[union-attr]
        follow_redirects=False)
    assert answer.status_code == 303, answer.text[:400]
    stored = _doc(app, DOCS[2])
    keys = [t.version_key for t in stored.document.texts]
    assert keys == ["en-original", "en-ocr", "en-ocr-corrected"]
    public = stored.public()
    assert "Quoll" not in next(t.body for t in public.document.texts
                               if t.version_key == "en-ocr-corrected")


def _public(client: TestClient, app: App) -> list[str]:
    """Where the public reads the canary: the document's page, its record in the API and
    as JSON, and the document among the hits of a search for it (page and API)."""
    search.refresh_index(app.catalogue, app.index)
    found = [url for url in (f"/documents/{DOCS[0]}", f"/api/v1/documents/{DOCS[0]}",
                             f"/documents/{DOCS[0]}.json") if CANARY in client.get(url).text]
    hits = client.get(f"/api/v1/search?q={CANARY}").json()["hits"]
    found += ["api search"] if any(h["public_id"] == DOCS[0] for h in hits) else []
    page = client.get(f"/search?q={CANARY}").text
    found += ["search"] if f"/documents/{DOCS[0]}" in page else []
    return found


def test_a_suggestion_is_public_only_once_accepted_and_approved(
        site: tuple[App, TestClient]) -> None:
    app, client = site
    for step, who in ((Step.SUBMIT, EDITOR), (Step.PUBLISH, REVIEWER)):
        assert app.publishing.take_step([DOCS[0]], step, who).changed
    public = TestClient(create_app(app))
    assert public.get(f"/documents/{DOCS[0]}", follow_redirects=True).status_code == 200
    assert _public(public, app) == []
    html = _page(client)
    status, where = _post(client, html, id=_id(html, f"{CANARY}, Ivan"), decision="accept")
    assert status == 303 and where.endswith("done=proposed")  # published: a change waiting for review
    assert _public(public, app) == []
    app.editing.approve(DOCS[0], REVIEWER)
    assert len(_public(public, app)) == 5
    last = app.publishing.history(DOCS[0])
    assert last is not None and f"from suggestion: people {CANARY}, Ivan, 0.81" in (
        last.entries[-1].summary)
