"""Corrections the public is told of: an approved change of a published document shows as
"Corrected on DATE: NOTE" on its page, in its API and OAI-PMH records, and as the "revised"
date of every citation (the latest of its corrections and redactions); a note typed on a
change that is then rejected never shows; workflow steps, collections and drafts' edits are
no corrections."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from chancery.bootstrap import App
from chancery.domain import clock
from chancery.domain.accounts import Role
from chancery.domain.workflow import Acting, Refused, Step
from chancery.services import editing as editing_service
from chancery.services import publishing as publishing_service
from chancery.services import redacting as redacting_service
from chancery.services import search
from chancery.services.redacting import Wanted
from chancery.web.server import create_app
from tests.e2e.test_oai import SCHEMA
from tests.e2e.test_workflow_cli import Site, _archive, _run
from tests.e2e.test_workflow_cli import site as site  # the fixture that opens the site
from tests.e2e.test_workspace_documents import PAGE, _act, _logged_in
from tests.e2e.test_workspace_editor import _fields, _post
from tests.editorial import DOCS, import_bundle

EDITOR, REVIEWER = Acting("ed@example.org", Role.EDITOR), Acting("rev@example.org", Role.REVIEWER)
OAI = "oai:chancery.archive:"


@pytest.fixture
def published(app: App, tmp_path: Path) -> Iterator[tuple[App, TestClient]]:
    """The okapi documents, published, and the reading room over them."""
    import_bundle(app, tmp_path / "b", state="published")
    yield app, TestClient(create_app(app))


def _on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """Set the clock (the services' stamps too) to noon UTC on ``day``."""
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    for module in (clock, editing_service, redacting_service, publishing_service):
        monkeypatch.setattr(module, "utc_now", lambda: at)


def _correct(app: App, doc: str, title: str, note: str | None = None,
             approve_note: str | None = None) -> None:
    _, seen, _ = app.editing.draft_of(doc, EDITOR)
    assert app.editing.edit(doc, {"title": title}, EDITOR, seen, note=note).pending
    app.editing.approve(doc, REVIEWER, note=approve_note)
    search.refresh_index(app.catalogue, app.index)


def _changes(web: TestClient, doc: str) -> list[str]:
    page = web.get(f"/documents/{doc}").text
    listed = re.search(r'<ul class="changes"[^>]*>(.*?)</ul>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", li)).strip()
            for li in re.findall(r"<li>(.*?)</li>", listed[1], re.S)] if listed else []


def _oai_changes(web: TestClient, doc: str) -> list[tuple[str, str, str]]:
    body = web.get("/oai", params={"verb": "GetRecord", "identifier": OAI + doc,
                                   "metadataPrefix": "chancery"}).content
    root = etree.fromstring(body)
    SCHEMA.assertValid(root)  # OAI-PMH with the chancery record, as chancery.xsd says
    return [(c.get("kind"), c.get("date"), c.text or "")
            for c in root.iter("{urn:chancery:record:1}change")]


def test_an_approved_correction_shows_on_every_channel_with_its_note(
        published: tuple[App, TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    """The editor's note, approved on 2 March 2026, is on the page, in the API record and
    in the OAI-PMH chancery record; the house and CSL citations say "revised March 2, 2026"."""
    app, web = published
    _on(monkeypatch, date(2026, 3, 2))
    _correct(app, DOCS[0], "Telegram 1 on the okapi question, corrected",
             note="The title now gives the telegram's number as printed.")
    said = "Corrected on 2026-03-02: The title now gives the telegram's number as printed."
    assert _changes(web, DOCS[0]) == [said]
    record = web.get(f"/api/v1/documents/{DOCS[0]}").json()
    assert record["corrections"] == [
        {"date": "2026-03-02", "note": "The title now gives the telegram's number as printed."}]
    assert record["citation"].endswith("Revised March 2, 2026.")
    assert _oai_changes(web, DOCS[0]) == [
        ("corrected", "2026-03-02", "The title now gives the telegram's number as printed.")]
    house = web.get(f"/documents/{DOCS[0]}/cite?style=house").text
    chicago = web.get(f"/documents/{DOCS[0]}/cite?style=chicago-note").text
    assert "Revised March 2, 2026." in house and "revised March 2, 2026" in chicago, chicago
    assert _changes(web, DOCS[1]) == [] and "revised" not in web.get(
        f"/documents/{DOCS[1]}/cite?style=chicago-note").text.lower()


def test_the_reviewers_note_wins_and_no_note_says_only_the_date(
        published: tuple[App, TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    """A reviewer's note replaces the one proposed; '' approves it without a note:
    "Corrected on DATE." and {"note": ""}; newest first."""
    app, web = published
    _on(monkeypatch, date(2026, 3, 2))
    _correct(app, DOCS[0], "First correction", note="proposed", approve_note="Title corrected.")
    _on(monkeypatch, date(2026, 4, 9))
    _correct(app, DOCS[0], "Second correction", note="proposed again", approve_note="")
    assert _changes(web, DOCS[0]) == ["Corrected on 2026-04-09.",
                                      "Corrected on 2026-03-02: Title corrected."]
    assert [c["note"] for c in web.get(f"/api/v1/documents/{DOCS[0]}").json()["corrections"]] \
        == ["Title corrected.", ""]


def test_a_rejected_changes_note_never_shows(published: tuple[App, TestClient]) -> None:
    """A note typed on a change a reviewer rejects is gone with it: the page, the API, the
    OAI-PMH record and the citations say nothing changed."""
    app, web = published
    _, seen, _ = app.editing.draft_of(DOCS[0], EDITOR)
    app.editing.edit(DOCS[0], {"title": "Wrong title"}, EDITOR, seen, note="gnu note")
    app.editing.reject(DOCS[0], REVIEWER, "the scan says otherwise")
    search.refresh_index(app.catalogue, app.index)
    for url in (f"/documents/{DOCS[0]}", f"/api/v1/documents/{DOCS[0]}",
                f"/documents/{DOCS[0]}.json", f"/documents/{DOCS[0]}/cite?style=house",
                f"/oai?verb=GetRecord&identifier={OAI}{DOCS[0]}&metadataPrefix=chancery"):
        body = web.get(url).text
        assert "gnu" not in body and "Corrected" not in body, url
    assert web.get(f"/api/v1/documents/{DOCS[0]}").json()["corrections"] == []
    # and a later change proposes afresh: the rejected note is not carried into it
    _, seen, _ = app.editing.draft_of(DOCS[0], EDITOR)
    app.editing.edit(DOCS[0], {"title": "Right title"}, EDITOR, seen)
    app.editing.approve(DOCS[0], REVIEWER)
    assert _changes(web, DOCS[0]) == [f"Corrected on {clock.today().isoformat()}."]


def test_steps_collections_and_unpublished_edits_are_no_corrections(
        published: tuple[App, TestClient]) -> None:
    """Withdrawing, reinstating and publishing again, and editing while the public could not
    read the document, tell the public of no correction."""
    app, web = published
    doc = DOCS[2]
    reviewer = Acting("rev@example.org", Role.ADMIN)
    assert app.publishing.take_step([doc], Step.WITHDRAW, reviewer).changed
    _, seen, _ = app.editing.draft_of(doc, EDITOR)
    assert not app.editing.edit(doc, {"summary": "Edited while withdrawn."}, EDITOR, seen,
                                note="not told").pending
    assert app.publishing.take_step([doc], Step.REINSTATE, reviewer).changed
    assert app.publishing.take_step([doc], Step.PUBLISH, Acting("other@example.org",
                                                                Role.REVIEWER)).changed
    assert _changes(web, doc) == []
    assert web.get(f"/api/v1/documents/{doc}").json()["corrections"] == []


def test_citations_are_revised_on_the_latest_correction_or_redaction(
        published: tuple[App, TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    """Corrected in March, redacted in May: revised in May, both listed newest first;
    corrected again in June: revised in June."""
    app, web = published
    _on(monkeypatch, date(2026, 3, 2))
    _correct(app, DOCS[0], "Corrected title", note="Title corrected.")
    _on(monkeypatch, date(2026, 5, 20))
    app.redacting.redact(DOCS[0], Wanted("(b)(6)", field="summary"), EDITOR)
    assert _changes(web, DOCS[0]) == ["Redacted on 2026-05-20 ((b)(6)): in the summary.",
                                      "Corrected on 2026-03-02: Title corrected."]
    assert "revised May 20, 2026" in web.get(f"/documents/{DOCS[0]}/cite?style=chicago-note").text
    assert [k for k, _, _ in _oai_changes(web, DOCS[0])] == ["redacted", "corrected"]
    _on(monkeypatch, date(2026, 6, 1))
    _correct(app, DOCS[0], "Corrected title again")
    assert "Revised June 1, 2026." in web.get(f"/api/v1/documents/{DOCS[0]}").json()["citation"]


def test_a_note_never_names_what_a_later_redaction_withholds(
        published: tuple[App, TestClient]) -> None:
    """A note written before a redaction that names the words it withholds shows the
    redaction's marker in their place."""
    app, web = published
    _correct(app, DOCS[0], "Telegram 1 on the okapi question (Herter)",
             note="Added that Herter signed it.")
    app.redacting.redact(DOCS[0], Wanted("privacy", text="Herter", field="title"), EDITOR)
    # a withheld link's record by its name: its every known form is taken out
    _correct(app, DOCS[0], "Telegram 1", note="Herter, Christian A. named as its author.")
    app.redacting.redact(DOCS[0], Wanted("(b)(6)", link="person/herter-christian-a"), EDITOR)
    notes = [c["note"] for c in web.get(f"/api/v1/documents/{DOCS[0]}").json()["corrections"]]
    assert notes == ["Added that [redacted: privacy] signed it.",
                     "[redacted: (b)(6)] named as its author."]
    assert "Herter signed" not in web.get(f"/documents/{DOCS[0]}").text


def test_a_public_note_is_checked(published: tuple[App, TestClient]) -> None:
    """A note over 1,000 characters is refused, and nothing waits for review."""
    app, _ = published
    _, seen, _ = app.editing.draft_of(DOCS[0], EDITOR)
    with pytest.raises(Refused, match="at most 1000 characters"):
        app.editing.edit(DOCS[0], {"title": "x"}, EDITOR, seen, note="n" * 1001)
    assert app.editing.pending(DOCS[0]) is None


def test_the_workspace_proposes_and_approves_a_note(published: tuple[App, TestClient]) -> None:
    """The editor's form on a published document has a public note; the approve form shows
    it to the reviewer, who may change it; the page shows the reviewer's."""
    app, web = published
    editor, _ = _logged_in(app, "editor")
    url = f"{PAGE}{DOCS[1]}/edit"
    fields = _fields(editor.get(url).text)
    assert fields["public_note"] == ""
    fields.update({"title": "Telegram 2, corrected", "public_note": "Number corrected."})
    assert _post(editor, url, fields).status_code == 303
    assert _fields(editor.get(url).text)["public_note"] == "Number corrected."
    reviewer, _ = _logged_in(app, "reviewer")
    page = reviewer.get(f"{PAGE}{DOCS[1]}").text
    assert re.search(r'<textarea id="note-approve" name="note"[^>]*>Number corrected\.</textarea>',
                     page)
    code, _ = _act(reviewer, DOCS[1], "approve", note="Number corrected from the scan.")
    assert code == 303
    assert _changes(web, DOCS[1]) == [
        f"Corrected on {clock.today().isoformat()}: Number corrected from the scan."]
    too_long = _post(editor, url, {**_fields(editor.get(url).text), "title": "y",
                                   "public_note": "n" * 1001})
    assert too_long.status_code == 400 and "at most 1000 characters" in too_long.text


def test_the_api_proposes_a_note(published: tuple[App, TestClient]) -> None:
    """PATCH with public_note keeps it with the change waiting for review."""
    app, web = published
    app.accounts.add_user("api-editor@example.org", "editor", None)
    _, secret = app.tokens.create("api-editor@example.org", "write")
    auth = {"Authorization": f"Bearer {secret}"}
    draft = web.get(f"/api/v1/documents/{DOCS[2]}/draft", headers=auth).json()
    answer = web.patch(f"/api/v1/documents/{DOCS[2]}", headers={**auth, "If-Match": draft["etag"]},
                       json={"summary": "Corrected summary.", "public_note": "Summary corrected."})
    assert answer.status_code == 200 and answer.json()["pending"], answer.text
    app.editing.approve(DOCS[2], REVIEWER)
    assert web.get(f"/api/v1/documents/{DOCS[2]}").json()["corrections"][0]["note"] == \
        "Summary corrected."
    too_long = web.patch(f"/api/v1/documents/{DOCS[2]}", headers=auth,
                         json={"summary": "x", "public_note": "n" * 1001,
                               "seen": draft["seen"]})
    assert too_long.status_code == 422


def test_the_commands_take_a_note(tmp_path: Path, site: Site) -> None:
    """`chancery edit --note`, `approve` (the editor's note, or --note) and `revert --note`
    on a published document."""
    data = _archive(tmp_path, "published")
    _, web = site(data)
    code, out = _run(data, "edit", DOCS[0], "--set", "title=Telegram one", "--note",
                     "Title as printed.", user="editor@example.org")
    assert code == 0, out
    code, out = _run(data, "approve", DOCS[0], user="reviewer@example.org")
    assert code == 0, out
    code, out = _run(data, "revert", DOCS[0], "--to", "1", "--note", "Back to the title "
                     "as first published.", user="reviewer@example.org")
    assert code == 0, out
    day = clock.today().isoformat()
    assert _changes(web, DOCS[0]) == [
        f"Corrected on {day}: Back to the title as first published.",
        f"Corrected on {day}: Title as printed."]
    code, out = _run(data, "history", DOCS[0], "--json")
    assert code == 0 and json.loads(out)["revisions"][-1]["summary"].startswith("reverted")
