"""The workspace's document editor over HTTP, posting the form as a browser would (every
field the page shows, as shown): a draft made by hand with a scan, fields and text versions
edited, a failed save that keeps what was typed with the message beside its field, a stale
save refused with who and when, a published document's change waiting for review, a name
picked by another spelling, a renamed file refused, and the size limits."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.demo import DEMO_DIR
from chancery.domain.accounts import Role
from chancery.domain.publication import Actor
from chancery.domain.workflow import Acting
from chancery.services.clock import today
from chancery.web.server import create_app
from tests.e2e.test_workspace_access import _account, _client, _log_in
from tests.e2e.test_workspace_documents import PAGE, _logged_in
from tests.editorial import DOCS, import_bundle

SCAN = DEMO_DIR / "scans" / "104-10298-10184_ocr.pdf"  # a real declassified scan, 2 pages
NEW = "/workspace/documents/new"


class _Form(HTMLParser):
    """The fields a browser would post from the page's editor form (checked boxes only)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "ed-form" in a.get("class", ""):
            self._in_form = True
        if not self._in_form or "name" not in a:
            if tag == "option" and self._select and ("selected" in a or self._select
                                                    not in self.fields):
                self.fields[self._select] = a.get("value", "")
            return
        ticked = a.get("type") not in ("checkbox", "radio") or "checked" in a
        if tag == "input" and a.get("type") not in ("file", "submit") and ticked:
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self.fields[a["name"]] = a["name"], ""
        elif tag == "select":
            self._select = a["name"]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def _fields(html: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(html)
    return parser.fields


def _post(client: TestClient, url: str, fields: dict[str, str],
          files: list[tuple[str, bytes]] = ()) -> Any:  # type: ignore[assignment]
    """The form posted as multipart, as the page's form is."""
    uploads = [("scans", (name, body, "application/octet-stream")) for name, body in files]
    return client.post(url, data=fields, files=uploads or [("scans", ("", b"", "application/octet-stream"))])


def _link_row(fields: dict[str, str], role: str) -> str:
    """The name prefix of the empty row the page offers for a role ("links.7")."""
    rows = [k.rsplit(".", 1)[0] for k, v in fields.items() if k.endswith(".role") and v == role
            and not fields.get(k.replace(".role", ".ref"))]
    return rows[0]


def _draft(app: App, ident: str) -> dict[str, Any]:
    return app.editing.draft_of(ident, Acting("test@example.org", Role.EDITOR))[0]


def test_a_draft_made_by_hand_with_a_scan(app: App) -> None:
    """The new form (no inline script, multipart, CSRF) makes a draft with a printed date
    read, a new person record made from a name and kind, a text version and a real PDF
    stored through the import's checks; the public does not see it."""
    client, email = _logged_in(app, "editor")
    page = client.get(NEW)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)
    fields = _fields(page.text)
    author = _link_row(fields, "author")
    text = next(k for k in fields if re.match(r"texts\.\d+\.language$", k)).rsplit(".", 1)[0]
    fields.update({"title": "Memorandum on the quagga", "type": "memorandum",
                   "date.display": "18 July 1960", f"{author}.ref": "Quaggaman, Anna",
                   f"{author}.kind": "person", f"{text}.language": "en",
                   f"{text}.body": "The quagga question.\n\nSecond paragraph.",
                   "provenance.reference_code": "RG 59/1234", "comment": "typed from the scan"})
    saved = _post(client, NEW, fields, [("memo.pdf", SCAN.read_bytes())])
    assert saved.status_code == 303, saved.text[:2000]
    public_id = re.match(rf"{PAGE}(\w+)\?done=created$", saved.headers["location"])[1]  # type: ignore[index]
    record = _draft(app, public_id)
    assert record["title"] == "Memorandum on the quagga" and record["type"] == "memorandum"
    assert (record["date"]["start"], record["date"]["precision"]) == ("1960-07-18", "day")
    assert record["links"][0]["role"] == "author" and "quaggaman" in record["links"][0]["ref"]
    assert record["texts"][0]["body"].startswith("The quagga question.")
    [scan] = record["media"]
    assert (scan["filename"], scan["media_type"], scan["pages"]) == ("memo.pdf", "application/pdf", 2)
    assert app.blobs.exists(scan["sha256"])
    assert record["provenance"]["reference_code"] == "RG 59/1234"
    assert "The document is made, as a draft." in client.get(saved.headers["location"]).text
    assert _client(app).get(f"/documents/{public_id}").status_code == 404
    assert email in [e.actor for e in app.accounts.audit() if e.action == "create"]


def test_fields_and_text_versions_are_edited(app: App, tmp_path: Path) -> None:
    """The edit form shows the record; a save changes the title and summary, removes the
    English version and adds a German one, and the history says who."""
    import_bundle(app, tmp_path / "b")
    client, email = _logged_in(app, "editor")
    fields = _fields(client.get(f"{PAGE}{DOCS[0]}/edit").text)
    assert fields["title"] == "Telegram 1 on the okapi question" and fields["seen"]
    fields.update({"title": "Telegram 1 on the okapi affair", "summary": "Shorter."})
    fields["texts.0.remove"] = "1"
    more = _post(client, f"{PAGE}{DOCS[0]}/edit", {**fields, "more": "texts"})
    assert more.status_code == 200  # an empty text version to fill in, nothing saved
    fields = _fields(more.text)
    assert fields["title"] == "Telegram 1 on the okapi affair" and fields["texts.0.remove"] == "1"
    new = next(k for k in fields if re.match(r"texts\.[1-9]\d*\.language$", k)).rsplit(".", 1)[0]
    fields.update({f"{new}.language": "de", f"{new}.kind": "translation",
                   f"{new}.translators": "Anna Quaggaman", f"{new}.body": "Die Okapifrage."})
    assert _post(client, f"{PAGE}{DOCS[0]}/edit", fields).status_code == 303
    record = _draft(app, DOCS[0])
    assert (record["title"], record["summary"]) == ("Telegram 1 on the okapi affair", "Shorter.")
    assert [(t["language"], t["kind"], t["translators"]) for t in record["texts"]] == [
        ("de", "translation", ["Anna Quaggaman"])]
    assert record["links"][0]["ref"] == "person/herter-christian-a"  # untouched rows stay
    assert email in client.get(PAGE + DOCS[0]).text


def test_a_failed_save_keeps_every_typed_value_and_says_why_beside_the_field(
        app: App, tmp_path: Path) -> None:
    """A date that is no date and a text version without its language: 400, nothing
    stored, every typed value back in its field, each message beside its field (described
    by it, marked invalid) and in a summary at the top that links to it."""
    import_bundle(app, tmp_path / "b")
    client, _ = _logged_in(app, "editor")
    fields = _fields(client.get(f"{PAGE}{DOCS[1]}/edit").text)
    typed = {"title": "A title typed with care", "summary": "A summary typed with care.",
             "date.display": "31 June 1960", "date.start": "", "date.end": "",
             "texts.0.language": "",
             "texts.0.body": "A body typed with care.\n\nAnd a second paragraph.",
             "provenance.rights": "Public domain", "comment": "my comment"}
    answer = _post(client, f"{PAGE}{DOCS[1]}/edit", {**fields, **typed})
    assert answer.status_code == 400
    again = _fields(answer.text)
    assert {k: again[k] for k in typed} == typed
    for name in ("date.display", "texts.0.language"):
        ident = "f-" + name.replace(".", "-")
        tag = re.search(rf'<input id="{ident}"[^>]*>', answer.text)
        assert tag and 'aria-invalid="true"' in tag[0] and f"{ident}-error" in tag[0], name
        assert re.search(rf'id="{ident}-error">[^<]*(not a date|needs its language)', answer.text)
        assert f'href="#{ident}"' in answer.text.split('id="error-summary"')[1].split("</div>")[0]
    assert _draft(app, DOCS[1])["title"] == "Telegram 2 on the okapi question"


def test_a_stale_save_is_refused_with_who_and_when(app: App, tmp_path: Path) -> None:
    """Two editors open the same draft; the second to save is told who changed it and when,
    keeps what they typed, is linked to the change, and may then save over it knowingly."""
    import_bundle(app, tmp_path / "b")
    first, first_email = _logged_in(app, "editor")
    second, _ = _logged_in(app, "editor")
    mine = _fields(first.get(f"{PAGE}{DOCS[2]}/edit").text)
    theirs = _fields(second.get(f"{PAGE}{DOCS[2]}/edit").text)
    assert _post(first, f"{PAGE}{DOCS[2]}/edit", {**mine, "title": "First's title"}).status_code == 303
    late = _post(second, f"{PAGE}{DOCS[2]}/edit", {**theirs, "title": "Second's title"})
    assert late.status_code == 409
    assert first_email in late.text and "changed this document at" in late.text
    assert f'href="{PAGE}{DOCS[2]}#history"' in late.text
    again = _fields(late.text)
    assert again["title"] == "Second's title" and again["seen"] != theirs["seen"]
    assert _draft(app, DOCS[2])["title"] == "First's title"
    assert _post(second, f"{PAGE}{DOCS[2]}/edit", again).status_code == 303
    assert _draft(app, DOCS[2])["title"] == "Second's title"


def test_editing_a_published_document_waits_for_a_reviewer(app: App, tmp_path: Path) -> None:
    """The form says the change waits for review; the save makes a pending revision, the
    public page keeps the published title, and the form opens on the pending change."""
    import_bundle(app, tmp_path / "b", state="published")
    client, email = _logged_in(app, "editor")
    page = client.get(f"{PAGE}{DOCS[0]}/edit").text
    assert "wait for a reviewer" in page and "Save for review" in page
    saved = _post(client, f"{PAGE}{DOCS[0]}/edit", {**_fields(page), "title": "Quagga revised"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("?done=proposed")
    public = _client(app).get(f"/documents/{DOCS[0]}", follow_redirects=True)
    assert "Telegram 1 on the okapi question" in public.text and "Quagga revised" not in public.text
    reopened = client.get(f"{PAGE}{DOCS[0]}/edit").text
    assert _fields(reopened)["title"] == "Quagga revised" and "waiting for review" in reopened
    assert email in reopened


def test_a_scan_added_to_a_published_document_comes_with_the_approval(
        app: App, tmp_path: Path) -> None:
    """A scan uploaded to a published document waits with the change: the public does not
    see it until another reviewer approves, then the document carries it."""
    import_bundle(app, tmp_path / "b", state="published")
    editor, _ = _logged_in(app, "editor")
    url = f"{PAGE}{DOCS[1]}/edit"
    saved = _post(editor, url, _fields(editor.get(url).text), [("carbon.pdf", SCAN.read_bytes())])
    assert saved.headers["location"].endswith("?done=proposed")
    assert app.catalogue.get_document(DOCS[1], Actor.PUBLIC, today()).document.media == ()  # type: ignore[union-attr]
    reviewer = Acting("reviewer@example.org", Role.REVIEWER)
    app.editing.approve(DOCS[1], reviewer)
    stored = app.catalogue.get_document(DOCS[1], Actor.PUBLIC, today())
    assert stored and [m.filename for m in stored.document.media] == ["carbon.pdf"]


def test_a_name_is_picked_by_another_spelling(app: App, tmp_path: Path) -> None:
    """"Christian A. Herter" (the natural order of "Herter, Christian A.") picks the
    record, in the lookup route (HTML and JSON) and in a save; a name nobody has is refused
    beside its field unless a kind is chosen to make the record."""
    import_bundle(app, tmp_path / "b")
    client, _ = _logged_in(app, "editor")
    found = client.get("/workspace/lookup/authorities",
                       params={"q": "Christian A. Herter", "role": "recipient", "format": "json"})
    assert [r["key"] for r in found.json()] == ["person/herter-christian-a"]
    html = client.get("/workspace/lookup/authorities", params={"q": "christian herter"}).text
    assert "person/herter-christian-a" in html and "<form" in html
    fields = _fields(client.get(f"{PAGE}{DOCS[0]}/edit").text)
    row = _link_row(fields, "recipient")
    nobody = _post(client, f"{PAGE}{DOCS[0]}/edit", {**fields, f"{row}.ref": "Zyxwv Qqq"})
    assert nobody.status_code == 400 and "no record is named “Zyxwv Qqq”" in nobody.text
    saved = _post(client, f"{PAGE}{DOCS[0]}/edit", {**fields, f"{row}.ref": "Christian A. Herter",
                                                    f"{row}.as_written": "Secretary Herter"})
    assert saved.status_code == 303
    links = _draft(app, DOCS[0])["links"]
    assert {"ref": "person/herter-christian-a", "role": "recipient",
            "as_written": "Secretary Herter"} in links


def test_a_file_that_is_not_what_its_name_says_is_refused(app: App, tmp_path: Path) -> None:
    """A GIF renamed .pdf is refused with its name and why, nothing else is lost; a good
    scan uploaded with a save that fails is kept and goes in with the next save."""
    import_bundle(app, tmp_path / "b")
    client, _ = _logged_in(app, "editor")
    fields = _fields(client.get(f"{PAGE}{DOCS[0]}/edit").text)
    fake = _post(client, f"{PAGE}{DOCS[0]}/edit", {**fields, "title": "Kept title"},
                 [("minutes.pdf", b"GIF89a" + b"\0" * 64)])
    assert fake.status_code == 400
    assert "minutes.pdf: not a PDF file (its content does not match its name)" in fake.text
    assert _fields(fake.text)["title"] == "Kept title" and _draft(app, DOCS[0])["media"] == []
    failed = _post(client, f"{PAGE}{DOCS[0]}/edit", {**fields, "title": ""},
                   [("scan.pdf", SCAN.read_bytes())])
    assert failed.status_code == 400 and "scan.pdf" in failed.text
    kept = _fields(failed.text)
    assert _post(client, f"{PAGE}{DOCS[0]}/edit", {**kept, "title": "With its scan"}).status_code == 303
    assert [m["filename"] for m in _draft(app, DOCS[0])["media"]] == ["scan.pdf"]


def test_scans_are_reordered_and_removed(app: App, tmp_path: Path) -> None:
    """Two scans: the second put first by its order number, then the first removed; a
    forged scan row is refused."""
    import_bundle(app, tmp_path / "b")
    client, _ = _logged_in(app, "editor")
    url = f"{PAGE}{DOCS[0]}/edit"
    fields = _fields(client.get(url).text)
    assert _post(client, url, fields, [("a.pdf", SCAN.read_bytes()),
                                       ("b.pdf", SCAN.read_bytes() + b"\n%extra\n")]).status_code == 303
    fields = _fields(client.get(url).text)
    assert [m["filename"] for m in _draft(app, DOCS[0])["media"]] == ["a.pdf", "b.pdf"]
    fields.update({"media.0.position": "2", "media.1.position": "1", "media.1.label": "Carbon"})
    assert _post(client, url, fields).status_code == 303
    assert [(m["filename"], m["label"]) for m in _draft(app, DOCS[0])["media"]] == [
        ("b.pdf", "Carbon"), ("a.pdf", "")]
    fields = _fields(client.get(url).text)
    forged = _post(client, url, {**fields, "media.0.file": fields["media.0.file"][:-4] + "0000"})
    assert forged.status_code == 400 and "not made by this form" in forged.text
    assert _post(client, url, {**fields, "media.1.remove": "1"}).status_code == 303
    assert [m["filename"] for m in _draft(app, DOCS[0])["media"]] == ["b.pdf"]


def test_the_editor_takes_large_texts_and_says_when_a_save_is_too_large(app: App) -> None:
    """A 400 KB text version saves (other workspace forms take 16 KB); a save over the
    import's size limit is refused with 413 and says why; login keeps its small limit."""
    small = replace(app, settings=replace(app.settings, max_file_size=1024 * 1024))
    client = TestClient(create_app(small), follow_redirects=False, client=("10.9.7.1", 50000))
    assert _log_in(client, _account(small)).status_code == 303
    fields = _fields(client.get(NEW).text)
    text = next(k for k in fields if re.match(r"texts\.\d+\.language$", k)).rsplit(".", 1)[0]
    body = "The quagga question. " * 20_000  # 420 KB
    saved = _post(client, NEW, {**fields, "title": "Long", f"{text}.language": "en",
                                f"{text}.body": body})
    assert saved.status_code == 303, saved.text[:500]
    huge = _post(client, NEW, {**fields, "title": "Huge"},
                 [("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))])
    assert huge.status_code == 413 and "larger than the editor takes" in huge.text
    assert client.post("/login", data={"csrf": "x", "email": "a" * 20_000}).status_code == 413
