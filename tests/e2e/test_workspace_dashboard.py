"""The dashboard: "My drafts" are the account's own (written by it, or sent to review by it
and sent back), and the latest imports, who ran them, their counts and their failures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chancery.bootstrap import App, build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.domain.publication import Actor, Publication, PublicationState
from chancery.domain.revisions import Revision
from chancery.services import search
from chancery.services.clock import today, utc_now
from chancery.storage.interface import DocumentWrite
from chancery.web.server import create_app
from tests.e2e.test_workspace_access import PASSWORD, _log_in
from tests.e2e.test_workspace_documents import _act, _logged_in
from tests.editorial import DOCS, import_bundle, write_bundle


def _drafts(client: TestClient) -> str:
    return client.get("/workspace").text.split('id="drafts"')[1].split("</section>")[0]


def _write_as(app: App, email: str, public_id: str) -> None:
    """A draft whose first revision is the account's (as the document editor writes one)."""
    stored = app.catalogue.get_document(DOCS[2], Actor.EDITOR, today())
    assert stored is not None
    doc = replace(stored.document, public_id=public_id, source_id="", title="Own draft",
                  publication=Publication(PublicationState.DRAFT))
    with app.catalogue.session() as session:
        assert session.write_documents([DocumentWrite(
            doc, [], "by-hand", Revision(utc_now(), email, "written in the workspace"))]) == {}
    search.refresh_index(app.catalogue, app.index)


def test_my_drafts_are_the_accounts_own(app: App, tmp_path: Path) -> None:
    """An imported draft is no one's; a draft the editor sent to review and got back is
    theirs, and one whose first revision they wrote; another editor sees neither as theirs,
    and every draft stays in the search for state:draft."""
    import_bundle(app, tmp_path / "b")
    editor, ed = _logged_in(app, "editor")
    other, _ = _logged_in(app, "editor")
    reviewer, _ = _logged_in(app, "reviewer")
    assert DOCS[0] not in _drafts(editor)
    assert _act(editor, DOCS[0], "submit")[0] == 303
    assert _act(reviewer, DOCS[0], "request-changes", comment="the date is wrong")[0] == 303
    _write_as(app, ed, "owndraft1")
    mine = _drafts(editor)
    assert DOCS[0] in mine and "owndraft1" in mine and DOCS[1] not in mine
    theirs = _drafts(other)
    assert DOCS[0] not in theirs and "owndraft1" not in theirs
    every = other.get("/workspace/search", params={"q": "state:draft"}).text
    assert all(f"/workspace/documents/{d}" in every for d in [*DOCS, "owndraft1"])


def test_imports_are_listed_on_the_dashboard_with_their_failures(tmp_path: Path) -> None:
    """Two `chancery import` runs: the latest first, who ran it (the local operator, then the
    account named by CHANCERY_USER), the counts, and a failed file by name with its reason."""
    runner, data = CliRunner(), tmp_path / "data"
    first = runner.invoke(cli, ["--data", str(data), "import", "--no-progress",
                                str(write_bundle(tmp_path / "b"))])
    assert first.exit_code == 0, first.output
    added = runner.invoke(cli, ["--data", str(data), "user", "add", "ann@example.org", "--role",
                                "editor"], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    (tmp_path / "box9-notes.txt").write_text("not a source")
    second = runner.invoke(cli, ["--data", str(data), "import", "--no-progress",
                                 str(write_bundle(tmp_path / "b", title_of_first="Retitled")),
                                 str(tmp_path / "box9-notes.txt")],
                           env={"CHANCERY_USER": "ann@example.org"})
    assert second.exit_code == 1, second.output  # a file failed
    refused = runner.invoke(cli, ["--data", str(data), "import", "--no-progress", "--as",
                                  "nobody@example.org", str(tmp_path / "b")])
    assert refused.exit_code == 2 and "nobody@example.org" in refused.output
    app = build_app(load_settings(data=str(data), database_url=""))
    try:
        client = TestClient(create_app(app), follow_redirects=False, client=("10.9.8.1", 50000))
        assert _log_in(client, "ann@example.org").status_code == 303
        board = client.get("/workspace").text.split('id="imports"')[1].split("</section>")[0]
    finally:
        app.catalogue.dispose()
    rows = board.split("<tr>")[2:]
    assert "ann@example.org" in rows[0] and "<td>0</td><td>1</td><td>2</td><td>1</td>" in rows[0]
    assert "box9-notes.txt" in board and "unrecognised format" in board
    assert "local operator" in rows[-1] and "<td>3</td><td>0</td><td>0</td><td>0</td>" in rows[-1]


def test_the_migration_makes_the_import_runs_table_as_declared(app: App) -> None:
    """0014 makes import_runs, and it is what storage/import_runs.py declares (no drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from chancery.storage.tables import metadata

    with app.catalogue.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in diff if "import_runs" in repr(d)] == []
    assert app.catalogue.schema_status()[0] >= "0014"
