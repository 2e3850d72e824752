"""A change to a published document in the workspace: the reviewer finds it on the dashboard,
sees its diff on the document page and approves or rejects it there; an editor sees the diff
without the buttons."""

from __future__ import annotations

from pathlib import Path

from chancery.bootstrap import App
from chancery.domain.accounts import Role
from chancery.domain.workflow import Acting
from tests.e2e.test_workspace_documents import PAGE, _act, _logged_in
from tests.editorial import DOCS, import_bundle


def _propose(app: App, doc: str, title: str) -> None:
    editor = Acting("author@example.org", Role.EDITOR)
    _, seen, _ = app.editing.draft_of(doc, editor)
    assert app.editing.edit(doc, {"title": title}, editor, seen, "from the scan").pending


def test_a_reviewer_sees_the_change_and_approves_it(app: App, tmp_path: Path) -> None:
    import_bundle(app, tmp_path / "b", state="published")
    _propose(app, DOCS[0], "Telegram on the zebra question")
    reviewer, _ = _logged_in(app, "reviewer")
    waiting = reviewer.get("/workspace").text.split('id="waiting"')[1].split("</section>")[0]
    assert f'href="{PAGE}{DOCS[0]}"' in waiting and "a change to the published version" in waiting
    page = reviewer.get(PAGE + DOCS[0]).text
    assert "A change waiting for review" in page and "Telegram on the zebra question" in page
    assert f'action="{PAGE}{DOCS[0]}/approve"' in page and "from the scan" in page
    assert _act(reviewer, DOCS[0], "approve") == (303, f"{PAGE}{DOCS[0]}?done=approve")
    assert "zebra" in reviewer.get(f"/documents/{DOCS[0]}", follow_redirects=True).text


def test_reject_needs_a_comment_and_an_editor_gets_no_buttons(app: App, tmp_path: Path) -> None:
    import_bundle(app, tmp_path / "b", state="published")
    _propose(app, DOCS[1], "Telegram on the zebra question")
    editor, _ = _logged_in(app, "editor")
    page = editor.get(PAGE + DOCS[1]).text
    assert "Telegram on the zebra question" in page and "/approve" not in page
    assert _act(editor, DOCS[1], "approve")[0] == 403
    reviewer, _ = _logged_in(app, "reviewer")
    code, body = _act(reviewer, DOCS[1], "reject")
    assert code == 409 and "needs a comment" in body
    assert _act(reviewer, DOCS[1], "reject", comment="the scan says okapi")[0] == 303
    page = reviewer.get(PAGE + DOCS[1]).text
    assert "A change waiting for review" not in page and "the scan says okapi" in page
