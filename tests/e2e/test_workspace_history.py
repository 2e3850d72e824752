"""A document's history page in the workspace: each revision with who, when (UTC), why and
its field-level diff (a title as old and new, a text as the lines that changed), a reviewer's
diff of a text change as its lines, and a revert to any revision for the role `chancery
revert` needs, the public page following at once."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.web.server import create_app
from tests.e2e.test_workspace_access import _csrf
from tests.e2e.test_workspace_documents import PAGE, _act, _logged_in
from tests.e2e.test_workspace_editor import _fields, _post
from tests.editorial import DOCS, import_bundle

BODY = [f"Paragraph {n} of the okapi telegram." for n in range(1, 13)]
CHANGED = "Paragraph 7 of the quagga telegram."


def _save(client: TestClient, doc: str, **changes: str) -> str:
    """Save the editor's form with these fields changed; the answer's location."""
    url = f"{PAGE}{doc}/edit"
    saved = _post(client, url, {**_fields(client.get(url).text), **changes})
    assert saved.status_code == 303, saved.text[:400]
    return str(saved.headers["location"])


def _revision(page: str, number: int) -> str:
    """The section of the history page for one revision."""
    return page.split(f'id="rev-{number}"')[1].split("</section>")[0]


def _rows(section: str) -> list[tuple[str, str, str]]:
    """The diff's rows of a field written as before and after."""
    return [(name, html.unescape(old), html.unescape(new)) for name, old, new in re.findall(
        r'<tr><th scope="row">([^<]+)</th><td>([^<]*)</td><td>([^<]*)</td>', section)]


def _lines(section: str, field: str) -> list[tuple[str, str]]:
    """A long field's line diff as (kind, text): kind "-", "+" or " " (or "…" for a gap)."""
    cell = section.split(f'<th scope="row">{field}</th>')[1].split("</td>")[0]
    out = []
    for tag, text in re.findall(r'<(del|ins|span)[^>]*>(?:<span class="visually-hidden">'
                                r'[^<]*</span>)?([^<]*)</\1>', cell):
        kind = {"del": "-", "ins": "+"}.get(tag, "…" if text.startswith("…") else " ")
        out.append((kind, html.unescape(text)))
    return out


def _revert(client: TestClient, doc: str, **form: str) -> tuple[int, str]:
    csrf = _csrf(client.get("/workspace").text)
    answer = client.post(f"{PAGE}{doc}/revert", data={"csrf": csrf, **form})
    return answer.status_code, answer.headers.get("location") or answer.text


def test_the_history_shows_each_revision_with_its_field_level_diff(
        app: App, tmp_path: Path) -> None:
    """A title change is a row with the old and the new title; a change of one line of a
    twelve-line text shows that line removed and its new wording added, with a line of
    context either side, the rest counted, never the two whole bodies; who, when (UTC), the
    comment and the workflow step are beside each revision, and removed and added lines say
    so in words for screen readers."""
    import_bundle(app, tmp_path / "b")
    editor, email = _logged_in(app, "editor")
    _save(editor, DOCS[0], title="Telegram 1 on the quagga question", comment="the scan says so")
    _save(editor, DOCS[0], **{"texts.0.body": "\n".join(BODY)})
    _save(editor, DOCS[0], **{"texts.0.body": "\n".join(BODY).replace(BODY[6], CHANGED)})
    assert _act(editor, DOCS[0], "submit", comment="ready")[0] == 303
    page = editor.get(f"{PAGE}{DOCS[0]}/history")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    titled = _revision(page.text, 2)
    assert ("title", "Telegram 1 on the okapi question",
            "Telegram 1 on the quagga question") in _rows(titled)
    assert email in titled and "the scan says so" in titled and " UTC" in titled
    body = next(f for f in re.findall(r'<th scope="row">([^<]+)</th>', _revision(page.text, 4))
                if f.endswith(".body"))
    assert _lines(_revision(page.text, 4), body) == [
        ("…", "… 5 unchanged lines"), (" ", BODY[5]), ("-", BODY[6]), ("+", CHANGED),
        (" ", BODY[7]), ("…", "… 4 unchanged lines")]
    assert '<span class="visually-hidden">removed: </span>' in _revision(page.text, 4)
    assert "draft → in-review" in _revision(page.text, 5) and "ready" in _revision(page.text, 5)
    assert page.text.index('id="rev-5"') < page.text.index('id="rev-1"')  # newest first
    assert f'href="{PAGE}{DOCS[0]}/history"' in editor.get(PAGE + DOCS[0]).text


def test_a_reviewer_sees_a_text_change_as_its_changed_lines(app: App, tmp_path: Path) -> None:
    """The diff a reviewer approves shows the line of a published text that the change
    rewrites, not the whole text versions as JSON."""
    import_bundle(app, tmp_path / "b", state="published")
    editor, _ = _logged_in(app, "editor")
    _save(editor, DOCS[0], **{"texts.0.body": "The quagga question, telegram 1."})
    reviewer, _ = _logged_in(app, "reviewer")
    pending = reviewer.get(PAGE + DOCS[0]).text.split('id="pending"')[1].split("</section>")[0]
    body = next(f for f in re.findall(r'<th scope="row">([^<]+)</th>', pending)
                if f.endswith(".body"))
    assert _lines(pending, body) == [("-", "The okapi question, telegram 1."),
                                     ("+", "The quagga question, telegram 1.")]
    assert '"body"' not in pending  # no record as JSON


def test_an_editor_reverts_a_draft_from_its_history(app: App, tmp_path: Path) -> None:
    """Revert to revision 1 writes the old title back as a new revision, with the comment;
    the audit log names the editor; there is no form for the current revision."""
    import_bundle(app, tmp_path / "b")
    editor, email = _logged_in(app, "editor")
    _save(editor, DOCS[0], title="Telegram 1 on the quagga question")
    page = editor.get(f"{PAGE}{DOCS[0]}/history").text
    assert "Revert to revision 1" in page and "Revert to revision 2" not in page
    assert _revert(editor, DOCS[0], revision="1", comment="the import had it right") == (
        303, f"{PAGE}{DOCS[0]}/history?done=reverted")
    after = editor.get(f"{PAGE}{DOCS[0]}/history?done=reverted").text
    assert "Reverted:" in after and "the import had it right" in _revision(after, 3)
    assert ("title", "Telegram 1 on the quagga question",
            "Telegram 1 on the okapi question") in _rows(_revision(after, 3))
    assert "Telegram 1 on the okapi question" in editor.get(PAGE + DOCS[0]).text
    assert (email, DOCS[0]) in [(e.actor, e.subject) for e in app.accounts.audit()
                                if e.action == "revert"]


def test_a_published_document_is_reverted_by_a_reviewer_and_the_public_follows(
        app: App, tmp_path: Path) -> None:
    """On a published document an editor gets no revert form and a forged post gets 403,
    nothing changed; a reviewer reverts an approved correction with a public note, and the
    public page, search and API show the old title with "Corrected on …: note" at once."""
    import_bundle(app, tmp_path / "b", state="published")
    editor, _ = _logged_in(app, "editor")
    _save(editor, DOCS[0], title="Telegram 1 on the quagga question")
    reviewer, _ = _logged_in(app, "reviewer")
    assert _act(reviewer, DOCS[0], "approve", comment="ok")[0] == 303
    public = TestClient(create_app(app), follow_redirects=True)
    assert "quagga" in public.get(f"/documents/{DOCS[0]}").text
    history = editor.get(f"{PAGE}{DOCS[0]}/history").text
    assert "Revert to revision" not in history and "is for a reviewer" in history
    status, said = _revert(editor, DOCS[0], revision="1")
    assert status == 403 and "Not reverted" in said and "reviewer" in said
    assert "quagga" in public.get(f"/documents/{DOCS[0]}").text
    assert _revert(reviewer, DOCS[0], revision="1", comment="approved too soon",
                   note="The title is as the telegram prints it.")[0] == 303
    page = public.get(f"/documents/{DOCS[0]}").text
    assert "Telegram 1 on the okapi question" in page and "quagga" not in page
    assert "The title is as the telegram prints it." in page
    hits = public.get("/api/v1/search", params={"q": "quagga"}).json()
    assert hits["total"] == 0
    assert public.get(f"/api/v1/documents/{DOCS[0]}").json()["title"] == (
        "Telegram 1 on the okapi question")
    told = _revision(reviewer.get(f"{PAGE}{DOCS[0]}/history").text, 3)
    assert "Readers were told" in told and "The title is as the telegram prints it." in told


def test_bad_reverts_and_pages_are_said_never_a_500(app: App, tmp_path: Path) -> None:
    """A revision that is not a number or not there, a revert with nothing to do, a page
    that is not there, a document that is not there: each answered with the reason."""
    import_bundle(app, tmp_path / "b")
    editor, _ = _logged_in(app, "editor")
    _save(editor, DOCS[0], title="Telegram 1 on the quagga question")
    for revision, said in (("one", "by its number"), ("99", "there is no revision 99"),
                           ("2", "nothing to revert")):
        status, text = _revert(editor, DOCS[0], revision=revision)
        assert status == 400 and said in text, (revision, text[:300])
    assert "quagga" in editor.get(PAGE + DOCS[0]).text
    assert _revert(editor, "nosuchdoc", revision="1")[0] == 404
    for query, status in (("?page=2", 400), ("?page=x", 400), ("?page=1", 200)):
        assert editor.get(f"{PAGE}{DOCS[0]}/history{query}").status_code == status, query
    assert editor.get(f"{PAGE}nosuchdoc/history").status_code == 404

