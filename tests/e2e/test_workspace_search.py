"""The workspace's search over HTTP: every state found and counted; actions on ticked
results and on a whole result, with what changed and what was refused (and why) on the
result page; adding to a collection, which the public sees once the document is published."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.domain.collections import Collection
from chancery.services import bulk
from chancery.services.clock import today
from tests.e2e.test_workspace_access import _client, _csrf
from tests.e2e.test_workspace_documents import _act, _logged_in, _state
from tests.editorial import DOCS, WORD, import_bundle

SEARCH, BULK = "/workspace/search", "/workspace/search/bulk"


def _bulk(client: TestClient, action: str, ids: tuple[str, ...] | list[str] = (),
          **form: str) -> tuple[int, str]:
    """Post the bulk form as the search page offers it, with the session's token."""
    csrf = _csrf(client.get(SEARCH).text)
    data = [("csrf", csrf), ("action", action), *[("id", i) for i in ids], *form.items()]
    answer = client.post(BULK, content=urlencode(data),
                         headers={"content-type": "application/x-www-form-urlencoded"})
    return answer.status_code, answer.text


def _facet(html: str, title: str) -> dict[str, int]:
    part = html.split(f"<summary>{title}</summary>")[1].split("</details>")[0]
    return {label: int(n.replace(",", "")) for label, n in re.findall(
        r'<span class="label"[^>]*>(?:<span aria-hidden="true">✓ </span>)?([^<]+)</span> '
        r'<span class="count">([\d,]+)</span>', part)}


def test_the_search_finds_every_state_and_counts_them(app: App, tmp_path: Path) -> None:
    """Drafts, documents in review and published ones are found, with a state facet whose
    links narrow to one state; results open their workspace page; the public finds none."""
    import_bundle(app, tmp_path / "b")
    editor, _ = _logged_in(app, "editor")
    assert _act(editor, DOCS[0], "submit")[0] == 303
    page = editor.get(SEARCH, params={"q": WORD})
    assert page.status_code == 200 and f'href="/workspace/documents/{DOCS[0]}"' in page.text
    assert _facet(page.text, "Publication state") == {"Draft": 2, "In review": 1}
    narrowed = editor.get(SEARCH, params={"q": WORD, "f": "state:in-review"}).text
    assert "<strong>1</strong> document" in narrowed and DOCS[0] in narrowed
    assert "<strong>2</strong> documents" in editor.get(SEARCH, params={"q": f"{WORD} state:draft"}).text
    bad = editor.get(SEARCH, params={"q": "state:secret"})
    assert bad.status_code == 400 and "state:in-review" in bad.text
    assert _client(app).get("/api/v1/search", params={"q": WORD}).json()["total"] == 0


def test_publishing_a_selection_refuses_what_four_eyes_forbids(app: App, tmp_path: Path) -> None:
    """A reviewer publishes three ticked documents: the one they submitted themselves is
    refused with the four-eyes reason, the two others are published and public."""
    import_bundle(app, tmp_path / "b")
    reviewer, _ = _logged_in(app, "reviewer")
    editor, _ = _logged_in(app, "editor")
    assert _act(reviewer, DOCS[0], "submit")[0] == 303
    for doc in DOCS[1:]:
        assert _act(editor, doc, "submit")[0] == 303
    status, page = _bulk(reviewer, "publish", DOCS, scope="selected")
    assert status == 200 and "2 of 3 published" in page
    refused = page.split('id="refused"')[1]
    assert DOCS[0] in refused and "four eyes" in refused
    assert [_state(reviewer, d) for d in DOCS] == ["in-review", "published", "published"]
    hits = _client(app).get("/api/v1/search", params={"q": WORD}).json()["hits"]
    assert sorted(h["public_id"] for h in hits) == DOCS[1:]


def test_a_role_that_does_not_take_the_action_changes_nothing(app: App, tmp_path: Path) -> None:
    """An editor's bulk publish or embargo: 403 with the reason; an unknown action, a missing
    date or nothing ticked: 400; a ticked id nobody has is refused by name."""
    import_bundle(app, tmp_path / "b")
    editor, _ = _logged_in(app, "editor")
    for action, form in (("publish", {}), ("embargo", {"until": "2999-01-01"})):
        status, page = _bulk(editor, action, DOCS, **form)
        assert status == 403 and "is an editor" in page and "Nothing changed" in page
    assert _bulk(editor, "promote", DOCS)[0] == 400
    assert _bulk(editor, "submit")[0] == 400
    reviewer, _ = _logged_in(app, "reviewer")
    status, page = _bulk(reviewer, "embargo", DOCS, until="soon")
    assert status == 400 and "as a date" in page
    status, page = _bulk(editor, "submit", [DOCS[0], "nosuch123"])
    assert status == 200 and "1 of 2 submitted" in page and "no such document" in page
    assert [_state(editor, d) for d in DOCS] == ["in-review", "draft", "draft"]


def test_an_embargo_on_the_whole_result_reruns_the_search(app: App, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """"All found": the server runs the search again as the account (ticked ids play no
    part) and embargoes each document; over the cap, nothing changes and the page says why."""
    import_bundle(app, tmp_path / "b", state="published")
    reviewer, _ = _logged_in(app, "reviewer")
    until = (today() + timedelta(days=20)).isoformat()
    monkeypatch.setattr(bulk, "MAX_WHOLE", 2)
    status, page = _bulk(reviewer, "embargo", [], scope="all", q=WORD, until=until)
    assert status == 400 and "at most 2" in page
    monkeypatch.setattr(bulk, "MAX_WHOLE", 500)
    status, page = _bulk(reviewer, "embargo", ["ignored"], scope="all", q=WORD, until=until,
                         f="type:telegram")
    assert status == 200 and "3 of 3 embargoed" in page
    assert _facet(reviewer.get(SEARCH, params={"q": WORD}).text, "Publication state") == {
        "Embargoed (published, not yet public)": 3}
    assert _client(app).get("/api/v1/search", params={"q": WORD}).json()["total"] == 0
    status, page = _bulk(reviewer, "clear-embargo", [], scope="all", q="state:embargoed")
    assert status == 200 and "3 of 3 embargo cleared" in page


def test_added_to_a_collection_the_public_sees_it_once_published(app: App, tmp_path: Path) -> None:
    """An editor adds a draft to a collection (a revision and an audit line); the public
    collection page does not show it until a reviewer publishes it; adding a published
    document is a reviewer's call, refused to the editor by name."""
    import_bundle(app, tmp_path / "b")
    with app.catalogue.session() as session:
        session.upsert_collections([Collection("box-7", "Box 7 of the okapi papers")])
    editor, ed = _logged_in(app, "editor")
    reviewer, _ = _logged_in(app, "reviewer")
    status, page = _bulk(editor, "add-to-collection", [DOCS[0]], collection="box-7",
                         comment="filed by box")
    assert status == 200 and "1 of 1 added to the collection" in page
    assert _bulk(editor, "add-to-collection", [DOCS[0]], collection="no-such-box")[0] == 400
    public = _client(app)
    assert DOCS[0] not in public.get("/collections/box-7").text
    assert _act(editor, DOCS[0], "submit")[0] == 303
    assert _act(reviewer, DOCS[0], "publish")[0] == 303
    shown = public.get("/collections/box-7")
    assert shown.status_code == 200 and "Telegram 1 on the okapi question" in shown.text
    assert "added to collection box-7: filed by box" in editor.get(f"/workspace/documents/{DOCS[0]}").text
    assert (ed, "collection-add", DOCS[0]) in [(e.actor, e.action, e.subject)
                                               for e in app.accounts.audit()]
    status, page = _bulk(editor, "add-to-collection", [DOCS[0]], collection="okapi-papers")
    assert status == 200 and "0 of 1" in page and "is an editor" in page
