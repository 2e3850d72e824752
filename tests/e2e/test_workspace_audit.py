"""The admins' audit page: the audit log newest first, filtered by day, action and actor, a
page at a time; 403 for an editor or a reviewer; a filter it cannot read is a 400, not a 500."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chancery.bootstrap import App
from chancery.services import audit
from tests.e2e.test_workspace_documents import _act, _logged_in
from tests.editorial import DOCS, import_bundle

AUDIT = "/workspace/audit"


def _rows(html: str) -> list[tuple[str, str, str, str]]:
    body = html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""
    return [tuple(re.findall(r"<td>(.*?)</td>", row)[:4])  # type: ignore[misc]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


def test_admins_read_the_audit_log_newest_first_with_filters(
        app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor's submission and a login, on two days: all listed newest first; by action,
    by actor (part of the email) and since a day, only those; paging goes on to older ones."""
    import_bundle(app, tmp_path / "b")
    monkeypatch.setattr(app.accounts, "clock", lambda: datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    editor, ed = _logged_in(app, "editor")
    assert _act(editor, DOCS[0], "submit", comment="first")[0] == 303
    monkeypatch.setattr(app.accounts, "clock", lambda: datetime(2026, 11, 5, 9, 0, tzinfo=UTC))
    admin, adm = _logged_in(app, "admin")
    everything = _rows(admin.get(AUDIT).text)
    assert everything[0][1:3] == (adm, "login") and (ed, "submit") in {r[1:3] for r in everything}
    assert [r[0] for r in everything] == sorted((r[0] for r in everything), reverse=True)
    assert _rows(admin.get(AUDIT, params={"action": "submit"}).text) == [
        ("2026-11-02 09:00 UTC", ed, "submit", DOCS[0])]
    by_actor = _rows(admin.get(AUDIT, params={"actor": ed.split("@")[0].upper()}).text)
    assert by_actor and {r[1] for r in by_actor} == {ed}
    since = _rows(admin.get(AUDIT, params={"since": "2026-11-05"}).text)
    assert since and {r[0][:10] for r in since} == {"2026-11-05"}
    monkeypatch.setattr(audit, "AUDIT_PAGE", 2)
    first, second = admin.get(AUDIT).text, admin.get(AUDIT, params={"page": "2"}).text
    assert 'rel="next"' in first and _rows(first) == everything[:2]
    assert _rows(second) == everything[2:4] and 'rel="prev"' in second


def test_the_audit_log_is_for_admins_only(app: App) -> None:
    """An editor and a reviewer get 403 and no entry; bad filters get 400 with the reason."""
    for role in ("editor", "reviewer"):
        client, _ = _logged_in(app, role)
        answer = client.get(AUDIT)
        assert answer.status_code == 403 and "for admins" in answer.text
        assert "<td>login</td>" not in answer.text
    admin, _ = _logged_in(app, "admin")
    for params in ({"since": "last week"}, {"page": "0"}, {"page": "x" * 50}):
        answer = admin.get(AUDIT, params=params)
        assert answer.status_code == 400 and 'role="alert"' in answer.text, params
