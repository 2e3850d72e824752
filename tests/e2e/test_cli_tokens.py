"""`chancery token ...` and `chancery audit`: a token printed once and only at creation, listed
without itself, revoked, each step in the audit log, which `audit` shows newest last."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chancery.cli import app
from chancery.domain.tokens import PREFIX

runner = CliRunner()
PASSWORD = "a long enough passphrase"


def _run(data: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--data", str(data), *args], input=stdin, env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    assert _run(folder, "init")[0] == 0
    assert _run(folder, "user", "add", "ann@example.org", "--role", "editor",
                stdin=PASSWORD + "\n")[0] == 0
    return folder


def test_a_token_is_printed_once_listed_without_itself_and_revoked(
        data: Path, caplog: pytest.LogCaptureFixture) -> None:
    """create prints the token alone on stdout (the rest on stderr); list and audit never
    show it nor its hash; revoke marks it revoked; every step is audited by the operator."""
    caplog.set_level(logging.DEBUG)
    code, out, said = _run(data, "token", "create", "ann@example.org", "--scope", "write",
                           "--name", "nightly")
    secret = out.strip()
    assert code == 0 and secret.startswith(PREFIX) and "\n" not in secret, (out, said)
    assert "shown only this once" in said
    code, listed, _ = _run(data, "token", "list", "--json")
    rows = json.loads(listed)
    assert code == 0 and [(r["id"], r["owner"], r["name"], r["scope"], r["last_used_at"],
                           r["revoked_at"]) for r in rows] == [
        (1, "ann@example.org", "nightly", "write", None, None)]
    assert _run(data, "token", "revoke", "1")[0] == 0
    text = _run(data, "token", "list")[1]
    assert "revoked" in text and "nightly" in text
    code, log, _ = _run(data, "audit", "--json")
    actions = [(e["actor"], e["action"], e["subject"]) for e in json.loads(log)]
    assert code == 0 and actions[-2:] == [("operator", "token-create", "ann@example.org"),
                                          ("operator", "token-revoke", "ann@example.org")]
    everything = listed + text + log + _run(data, "audit")[1] + caplog.text
    for leaked in (secret, secret[len(PREFIX):], hashlib.sha256(secret.encode()).hexdigest()):
        assert leaked not in everything


def test_token_commands_refuse_bad_requests_with_a_reason(data: Path) -> None:
    """An unknown account or scope, and an unknown or revoked id, exit 1 saying why."""
    for args, message in [(("create", "bob@example.org", "--scope", "read"), "no account"),
                          (("create", "ann@example.org", "--scope", "admin"), "read or write"),
                          (("revoke", "7"), "no token 7")]:
        code, out, said = _run(data, "token", *args)
        assert code == 1 and message in said and out == "", (args, out, said)
    _run(data, "token", "create", "ann@example.org", "--scope", "read")
    _run(data, "token", "revoke", "1")
    code, _, said = _run(data, "token", "revoke", "1")
    assert code == 1 and "revoked already" in said


def test_audit_shows_the_log_newest_last_from_a_day(data: Path) -> None:
    """audit lists entries oldest to newest; --since a later day gives none; a bad date or
    limit is refused (exit 2)."""
    _run(data, "user", "role", "ann@example.org", "reviewer")
    code, out, _ = _run(data, "audit")
    lines = out.splitlines()
    assert code == 0 and "user-add" in lines[0] and "user-role" in lines[1]
    assert "before=editor, after=reviewer" in lines[1]
    assert json.loads(_run(data, "audit", "--since", "2999-01-01", "--json")[1]) == []
    assert len(json.loads(_run(data, "audit", "--since", "2000-01-01", "--json")[1])) == 2
    code, _, said = _run(data, "audit", "--limit", "1")
    assert code == 0 and "the latest 1" in said
    assert _run(data, "audit", "--since", "yesterday")[0] == 2
    assert _run(data, "audit", "--limit", "0")[0] == 2


def test_a_piped_audit_keeps_each_entry_on_one_line(data: Path) -> None:
    """`chancery audit | grep` sees one line per entry: in a pipe Rich would cut each line at
    the terminal's width (80 without one), splitting a record across lines."""
    _run(data, "user", "role", "ann@example.org", "reviewer")
    out = subprocess.run([sys.executable, "-c", "from chancery.cli import app; app()",
                          "--data", str(data), "audit"],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "COLUMNS": "40"}).stdout
    lines = out.splitlines()
    assert len(lines) == 2 and max(map(len, lines)) > 40, out
    assert "user-add" in lines[0] and "role=editor" in lines[0] and "user-role" in lines[1]
