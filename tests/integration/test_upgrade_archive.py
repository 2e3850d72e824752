"""An archive made by the code before issue #11 (tests/fixtures/upgrade) upgrades with
`chancery migrate`: documents, revisions, states, embargoes and scans intact, the new tables
there, `chancery check` clean and search working once the index is rebuilt."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chancery.cli import app
from chancery.enrich.names import phonetic_key

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "upgrade" / "archive"
runner = CliRunner()

# (public id, state, embargo, was public, revisions) as the old code left them
BEFORE = {
    "upgr0001": ("published", None, 1, 2),
    "upgr0002": ("draft", None, 0, 2),
    "upgr0003": ("withdrawn", None, 1, 2),
    "upgr0004": ("published", "2100-01-01", 0, 1),
    "hukou058": ("published", None, 1, 1),
}
# tables issue #11 brings (accounts, workflow, tokens, purges, release histories)
NEW_TABLES = {"users", "sessions", "audit_log", "workflow_events", "api_tokens", "purged_documents",
              "document_releases"}


def _run(data: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--data", str(data), *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _documents(db: Path) -> dict[str, tuple[object, ...]]:
    found = _rows(db, "SELECT d.public_id, d.pub_state, d.embargo_until, d.was_public, "
                      "(SELECT count(*) FROM revisions r WHERE r.document_id = d.id) "
                      "FROM documents d")
    return {str(r[0]): tuple(r[1:]) for r in found}


@pytest.fixture
def old_archive(tmp_path: Path) -> Path:
    """A copy of the archive made before #11 (the fixture itself stays as it was made)."""
    data = tmp_path / "archive"
    shutil.copytree(FIXTURE, data)
    return data


def test_the_fixture_is_from_before_the_issue(old_archive: Path) -> None:
    """The archive is at 0007 with the documents the README lists (so the test below does
    upgrade something)."""
    db = old_archive / "catalogue.sqlite3"
    assert _rows(db, "SELECT version_num FROM alembic_version") == [("0007",)]
    assert _documents(db) == BEFORE
    tables = {r[0] for r in _rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not NEW_TABLES & tables


def test_migrate_keeps_documents_revisions_and_states(old_archive: Path) -> None:
    """After `chancery migrate` every document has its state, embargo, tombstone mark and
    revisions; the new tables are there and the schema is at the head."""
    db = old_archive / "catalogue.sqlite3"
    code, out = _run(old_archive, "migrate")
    assert code == 0 and "was 0007" in out, out
    assert _documents(db) == BEFORE
    tables = {r[0] for r in _rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables >= NEW_TABLES
    code, out = _run(old_archive, "history", "upgr0001", "--json")
    assert code == 0 and "The tunnel was discovered by Soviet signal troops." in out, out


def test_the_upgraded_archive_checks_clean_and_searches(old_archive: Path) -> None:
    """`reindex` then `check --verify-hashes` finds nothing wrong (scans included); search
    finds a published document and, for the public, leaves out the draft and the withdrawn."""
    assert _run(old_archive, "migrate")[0] == 0
    code, out = _run(old_archive, "reindex")
    assert code == 0 and "Indexed 5" in out, out
    code, out = _run(old_archive, "check", "--verify-hashes")
    assert code == 0, out
    code, out = _run(old_archive, "search", "tunnel", "--json", "--public")
    assert code == 0 and "upgr0001" in out, out
    code, out = _run(old_archive, "search", "Suez", "--json", "--public")
    assert code == 0 and "upgr0002" not in out, out
    code, out = _run(old_archive, "show", "upgr0003", "--public")
    assert code != 0, out  # withdrawn: not shown to the public


def test_migrate_rekeys_the_sound_key_of_every_name(old_archive: Path) -> None:
    """Names stored with the old sound key get today's, so a spelling nobody listed finds
    the records the old code made."""
    db = old_archive / "catalogue.sqlite3"
    assert _run(old_archive, "migrate")[0] == 0
    rows = _rows(db, "SELECT name, phonetic FROM authority_names")
    assert rows and all(key == phonetic_key(str(name)) for name, key in rows)
