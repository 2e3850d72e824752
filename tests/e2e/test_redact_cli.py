"""`chancery redact` and `chancery unredact` as an archivist runs them, and what the public
API answers after each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chancery.bootstrap import build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.web.server import create_app
from tests.integration.test_redacting import DOC, SECRET, memo_bundle

runner = CliRunner()
PASSWORD = "a long enough passphrase"


def _run(data: Path, *args: str, user: str = "") -> tuple[int, str]:
    result = runner.invoke(cli, ["--data", str(data), *args],
                           env={"COLUMNS": "200", "CHANCERY_USER": user})
    return result.exit_code, result.output


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The memorandum imported (published), with an editor and two reviewers."""
    folder = tmp_path / "data"
    code, out = _run(folder, "import", "--no-progress", str(memo_bundle(tmp_path / "b")))
    assert code == 0, out
    for email, role in (("ed@example.org", "editor"), ("rev@example.org", "reviewer"),
                        ("rev2@example.org", "reviewer")):
        added = runner.invoke(cli, ["--data", str(folder), "user", "add", email, "--role", role],
                              input=PASSWORD + "\n")
        assert added.exit_code == 0, added.output
    return folder


@pytest.fixture
def public_hits(data: Path) -> Iterator[object]:
    """How many documents the public API finds for a word, asked anew each time."""
    app = build_app(load_settings(data=str(data), database_url=""))
    site = TestClient(create_app(app))
    yield lambda word: site.get(f"/api/v1/search?q={word}").json()["total"]
    app.catalogue.dispose()


def test_redact_withholds_every_occurrence_and_warns_of_the_others(data: Path,
                                                                   public_hits: object) -> None:
    """The words go from the public search at once; the command counts what it covered
    and names the version and the title that still hold them."""
    assert public_hits(SECRET) == 1  # type: ignore[operator]
    code, out = _run(data, "redact", DOC, "--version", "en", "--text", SECRET,
                     "--reason", "(b)(6)", user="ed@example.org")
    assert code == 0, out
    assert f"{DOC}: redacted 2 occurrence(s) in en-original (redaction 1)." in out
    assert "also occur 1 in de-translation, 1 in title" in " ".join(out.split())
    code, out = _run(data, "redact", "--query", SECRET, "--version", "de", "--text", SECRET,
                     "--reason", "(b)(6)", user="ed@example.org")
    assert code == 0 and "redacted 1 occurrence(s) in de-translation" in out, out
    code, out = _run(data, "redact", DOC, "--field", "title", "--text", SECRET, "--reason",
                     "privacy", user="ed@example.org")
    assert code == 0, out
    assert _run(data, "redact", DOC, "--link", "person/wombatson-jack", "--reason",
                "privacy", user="ed@example.org")[0] == 0
    assert public_hits(SECRET) == 0 and public_hits("jack") == 0  # type: ignore[operator]


def test_a_refused_redaction_says_why_and_leaves_nothing(data: Path) -> None:
    """Words that are not in the version: exit 1, the reason, and no redaction listed."""
    code, out = _run(data, "redact", DOC, "--version", "en", "--text", "John Smith",
                     "--reason", "privacy", user="ed@example.org")
    assert code == 1 and "do not occur in en-original" in out
    assert f"{DOC}: no redactions." in _run(data, "redact", DOC, "--list")[1]
    code, out = _run(data, "redact", DOC, "--version", "en", "--text", SECRET, "--reason", "x",
                     user="nobody@example.org")
    assert code == 2 and "--as" in out


def test_unredact_is_asked_for_then_approved_by_someone_else(data: Path,
                                                             public_hits: object) -> None:
    """A request leaves the words withheld; the one who asked cannot approve; another
    reviewer can, and the public finds the words again. --list shows each state."""
    for version in ("en", "de"):
        _run(data, "redact", DOC, "--version", version, "--text", SECRET, "--reason", "(b)(6)")
    _run(data, "redact", DOC, "--field", "title", "--reason", "privacy")
    _run(data, "redact", DOC, "--link", "person/wombatson-jack", "--reason", "privacy")
    listed = json.loads(_run(data, "redact", DOC, "--list", "--json")[1])["redactions"]
    assert [(r["id"], r["state"]) for r in listed] == [(n, "active") for n in (1, 2, 3, 4)]
    code, out = _run(data, "unredact", DOC, "3", "--comment", "released",
                     user="rev@example.org")
    assert code == 0 and "stays in force" in out, out
    assert public_hits("title:memorandum") == 0 and public_hits(SECRET) == 0  # type: ignore[operator]
    code, out = _run(data, "unredact", DOC, "3", "--approve", user="rev@example.org")
    assert code == 1 and "four eyes" in out
    code, out = _run(data, "unredact", DOC, "3", "--approve", user="rev2@example.org")
    assert code == 0 and "lifted" in out, out
    assert public_hits(f"title:{SECRET}") == 1  # type: ignore[operator]
    states = [r["state"] for r in json.loads(_run(data, "redact", DOC, "--list", "--json")[1])
              ["redactions"]]
    assert states == ["active", "active", "removed", "active"]


def test_what_the_command_line_prints_keeps_every_bracket(data: Path) -> None:
    """Rich reads "[privacy]" as a style tag and drops it: the help, the list of redactions
    and a redacted title as `show --public` prints it keep their brackets."""
    code, out = _run(data, "redact", "--help")
    assert "[redacted: REASON]" in " ".join(out.split())
    code, out = _run(data, "redact", DOC, "--field", "title", "--text", SECRET, "--reason",
                     "privacy", user="ed@example.org")
    assert code == 0, out
    code, out = _run(data, "redact", DOC, "--list")
    assert code == 0 and "[privacy]" in out, out
    code, out = _run(data, "show", DOC, "--public")
    assert code == 0 and "Memorandum on Mr. [redacted: privacy]" in out, out
