"""The workflow in the workspace: an editor submits, another reviewer publishes and the
public sees it; four eyes, the wrong role and the wrong state are refused beside the buttons
(never a 500); embargoes are set, listed on the dashboard and cleared; every step is audited."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.services.clock import today
from tests.e2e.test_workspace_access import _account, _client, _csrf, _log_in
from tests.editorial import DOCS, WORD, import_bundle

PAGE = "/workspace/documents/"


def _logged_in(app: App, role: str) -> tuple[TestClient, str]:
    client, email = _client(app), _account(app, role)
    assert _log_in(client, email).status_code == 303
    return client, email


def _act(client: TestClient, doc: str, action: str, **form: str) -> tuple[int, str]:
    """Post a document page's form for ``action`` with the session's CSRF token (taken from
    the dashboard's logout form: the page may offer no form to this account)."""
    csrf = _csrf(client.get("/workspace").text)
    answer = client.post(f"{PAGE}{doc}/{action}", data={"csrf": csrf, **form})
    return answer.status_code, answer.headers.get("location") or answer.text


def _state(client: TestClient, doc: str) -> str:
    found = re.search(r'<strong class="state">([^<]+)</strong>', client.get(PAGE + doc).text)
    assert found
    return found.group(1)


def test_an_editor_submits_another_reviewer_publishes_and_the_public_sees_it(
        app: App, tmp_path: Path) -> None:
    """The drafts' search links each draft to its page; the editor sees Submit but not Publish;
    the reviewer sees it waiting with who sent it; after Publish the public page, the API
    and search show it; the history and the audit log name both people."""
    import_bundle(app, tmp_path / "b")
    editor, ed = _logged_in(app, "editor")
    board = editor.get("/workspace").text
    assert "Waiting for review" not in board
    assert f'href="{PAGE}{DOCS[0]}"' in editor.get("/workspace/search?f=state:draft").text
    page = editor.get(PAGE + DOCS[0]).text
    assert f'action="{PAGE}{DOCS[0]}/submit"' in page and "/publish" not in page
    assert _act(editor, DOCS[0], "submit", comment="ready for a second look") == (
        303, f"{PAGE}{DOCS[0]}?done=submit")
    after = editor.get(f"{PAGE}{DOCS[0]}?done=submit").text
    assert "Submitted for review." in after and "draft → in-review" in after
    assert ed in after and "ready for a second look" in after
    public = _client(app)
    assert public.get(f"/documents/{DOCS[0]}", follow_redirects=True).status_code == 404
    reviewer, rev = _logged_in(app, "reviewer")
    waiting = reviewer.get("/workspace").text.split('id="waiting"')[1].split("</section>")[0]
    assert DOCS[0] in waiting and ed in waiting and " UTC" in waiting
    assert _act(reviewer, DOCS[0], "publish")[0] == 303
    assert public.get(f"/documents/{DOCS[0]}", follow_redirects=True).status_code == 200
    assert public.get(f"/api/v1/documents/{DOCS[0]}").status_code == 200
    hits = public.get("/api/v1/search", params={"q": WORD}).json()["hits"]
    assert [h["public_id"] for h in hits] == [DOCS[0]]
    audited = [(e.actor, e.action, e.subject) for e in app.accounts.audit()
               if e.action in ("submit", "publish")]
    assert audited == [(ed, "submit", DOCS[0]), (rev, "publish", DOCS[0])]


def test_refusals_are_shown_beside_the_buttons_never_a_500(app: App, tmp_path: Path) -> None:
    """Four eyes and the wrong state: 409; the wrong role: 403; a request for changes without
    a comment or an embargo without a date: refused with the reason; the document is as it
    was; an unknown document or action: 404."""
    import_bundle(app, tmp_path / "b")
    reviewer, _ = _logged_in(app, "reviewer")
    editor, _ = _logged_in(app, "editor")
    assert _act(reviewer, DOCS[1], "submit")[0] == 303
    status, page = _act(reviewer, DOCS[1], "publish")
    assert status == 409 and 'role="alert"' in page and "four eyes" in page
    status, page = _act(reviewer, DOCS[1], "submit")
    assert status == 409 and "it is already in-review" in page
    status, page = _act(reviewer, DOCS[1], "request-changes", comment=" ")
    assert status == 409 and "needs a comment" in page
    for action, form in (("publish", {}), ("embargo", {"until": "2999-01-01"}),
                         ("request-changes", {"comment": "why"})):
        status, page = _act(editor, DOCS[1], action, **form)
        assert status == 403 and "is an editor" in page and 'role="alert"' in page, action
    status, page = _act(reviewer, DOCS[1], "embargo", until="next week")
    assert status == 400 and "as a date" in page
    assert _state(reviewer, DOCS[1]) == "in-review"
    assert _act(reviewer, DOCS[1], "promote")[0] == 404
    assert reviewer.get(PAGE + "nope").status_code == 404
    assert _act(reviewer, "nope", "submit")[0] == 404


def test_a_post_without_the_csrf_token_changes_nothing(app: App, tmp_path: Path) -> None:
    """The step's form without its token, or with a forged one: 403, the state unchanged."""
    import_bundle(app, tmp_path / "b")
    editor, _ = _logged_in(app, "editor")
    for data in ({}, {"csrf": "forged"}):
        assert editor.post(f"{PAGE}{DOCS[0]}/submit", data=data).status_code == 403
    assert _state(editor, DOCS[0]) == "draft"


def test_embargoes_are_set_listed_when_ending_within_30_days_and_cleared(
        app: App, tmp_path: Path) -> None:
    """A reviewer embargoes a published document: hidden at once, on the dashboard while it
    ends within 30 days (one ending later is not), public again once cleared."""
    import_bundle(app, tmp_path / "b", state="published")
    reviewer, _ = _logged_in(app, "reviewer")
    soon, later = today() + timedelta(days=10), today() + timedelta(days=45)
    assert _act(reviewer, DOCS[0], "embargo", until=soon.isoformat())[0] == 303
    assert _act(reviewer, DOCS[1], "embargo", until=later.isoformat())[0] == 303
    public = _client(app)
    assert public.get(f"/documents/{DOCS[0]}", follow_redirects=True).status_code == 404
    listed = reviewer.get("/workspace").text.split('id="embargoes"')[1].split("</section>")[0]
    assert DOCS[0] in listed and soon.isoformat() in listed and DOCS[1] not in listed
    assert "embargoed until <time" in reviewer.get(PAGE + DOCS[0]).text
    assert _act(reviewer, DOCS[0], "embargo", clear="1")[0] == 303
    assert public.get(f"/documents/{DOCS[0]}", follow_redirects=True).status_code == 200
