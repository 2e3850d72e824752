"""Exports by editors are in the audit log: `chancery export` without --public (as --as, or
the operator) and the API's search with records=full under a staff token each write a line
with who, the format, the query and facets and how many; never a word of what was exported.
Public exports and single or list reads write nothing."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chancery.bootstrap import App
from chancery.cli import app as cli
from chancery.domain.accounts import OPERATOR, AuditEntry
from chancery.web.server import create_app
from tests.editorial import DOCS, WORD, import_bundle

runner = CliRunner()
EDITOR = "exporter@example.org"
# words of the documents' titles, summaries and texts: none may be in an audit line
CONTENT = ("Telegram 1", "affair, part", "question, telegram")


def _exports(app: App) -> list[AuditEntry]:
    return [e for e in app.accounts.audit() if e.action == "export"]


def _export(app: App, out: Path, *args: str, user: str = "") -> tuple[int, str]:
    result = runner.invoke(cli, ["--data", str(app.settings.data), "export", "--no-progress",
                                 "--out", str(out), *args], env={"CHANCERY_USER": user})
    return result.exit_code, result.output


def _no_content(entry: AuditEntry) -> None:
    line = json.dumps([entry.subject, entry.detail], ensure_ascii=False)
    assert not any(words in line for words in CONTENT), line


def test_an_editors_export_is_audited_with_who_and_what(sqlite_app: App, tmp_path: Path) -> None:
    """An export of drafts as an editor (--as, or CHANCERY_USER) writes one line: the
    account, the format, the query, the facets, the count and the file; not the content."""
    import_bundle(sqlite_app, tmp_path / "b")
    sqlite_app.accounts.add_user(EDITOR, "editor", None)
    code, out = _export(sqlite_app, tmp_path / "drafts.jsonl", "--format", "jsonl", "--query",
                        WORD, "--facet", "type:telegram", "--as", EDITOR)
    assert code == 0, out
    [entry] = _exports(sqlite_app)
    assert (entry.actor, entry.action) == (EDITOR, "export")
    assert entry.detail == {"format": "jsonl", "count": 3, "query": WORD,
                            "facets": ["type:telegram"], "out": str(tmp_path / "drafts.jsonl")}
    _no_content(entry)
    code, out = _export(sqlite_app, tmp_path / "bundle", user=EDITOR)
    assert code == 0, out
    assert [(e.actor, e.detail["format"], e.detail["count"]) for e in _exports(sqlite_app)][1:] == [
        (EDITOR, "bundle", 3)]


def test_the_operators_export_is_audited_as_the_operator(sqlite_app: App, tmp_path: Path) -> None:
    """Without --as the line names the local operator."""
    import_bundle(sqlite_app, tmp_path / "b")
    assert _export(sqlite_app, tmp_path / "all.csv", "--format", "csv")[0] == 0
    [entry] = _exports(sqlite_app)
    assert (entry.actor, entry.detail["format"], entry.detail["count"]) == (OPERATOR, "csv", 3)
    _no_content(entry)


def test_public_exports_and_refused_ones_write_no_line(sqlite_app: App, tmp_path: Path) -> None:
    """--public holds only what anyone may read: no line. An unknown --as is refused before
    anything is written."""
    import_bundle(sqlite_app, tmp_path / "b", state="published")
    assert _export(sqlite_app, tmp_path / "public.jsonl", "--format", "jsonl", "--public")[0] == 0
    code, _ = _export(sqlite_app, tmp_path / "x.jsonl", "--format", "jsonl",
                      "--as", "nobody@example.org")
    assert code == 2 and not (tmp_path / "x.jsonl").exists()
    assert _exports(sqlite_app) == []


def test_whole_records_read_through_the_api_by_a_staff_token_are_audited(
        app: App, tmp_path: Path) -> None:
    """A page of the API's search with records=full under an editor's token is one line
    (the account, via the API, the token, the query, the page, how many records); hits
    without records, a single document, a list of titles and anonymous reads write none."""
    import_bundle(app, tmp_path / "b")
    app.accounts.add_user(EDITOR, "editor", None)
    token, secret = app.tokens.create(EDITOR, "read")
    api = TestClient(create_app(app), base_url="http://testserver/api/v1")
    staff = {"Authorization": f"Bearer {secret}"}
    assert api.get("/search", params={"q": WORD}, headers=staff).json()["total"] == 3
    assert api.get(f"/documents/{DOCS[0]}", headers=staff).status_code == 200
    assert api.get("/documents", headers=staff).status_code == 200
    assert api.get("/search", params={"q": WORD, "records": "full"}).json()["total"] == 0
    assert _exports(app) == []
    found = api.get("/search", params={"q": WORD, "records": "full", "limit": 2,
                                       "f": "type:telegram"}, headers=staff).json()
    assert [h["record"]["public_id"] is not None for h in found["hits"]] == [True, True]
    [entry] = _exports(app)
    assert entry.actor == EDITOR and entry.detail == {
        "format": "api-records", "count": 2, "query": WORD, "facets": ["type:telegram"],
        "via": "api", "token": token.id, "page": 1}
    _no_content(entry)
