"""`chancery user ...`: accounts added with a piped password or a one-time link, listed,
given roles, disabled, enabled and reset, each in the audit log; bad requests say why."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chancery.bootstrap import build_app
from chancery.cli import app
from chancery.config import load_settings

runner = CliRunner()
PASSWORD = "a long enough passphrase"


def _run(data: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["--data", str(data), *args], input=stdin,
                           env={"COLUMNS": "200", "CHANCERY_PUBLIC_URL": "https://archive.example.org"})
    return result.exit_code, result.output


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    assert _run(folder, "init")[0] == 0
    return folder


def _token(out: str) -> str:
    found = re.search(r"https://archive\.example\.org/set-password/(\S+)", out)
    assert found, out
    return found.group(1)


def test_user_commands_manage_accounts_and_write_the_audit_log(data: Path) -> None:
    """add (piped password), list --json, role, disable, enable and reset all work, and each
    leaves an audit entry by the operator."""
    assert _run(data, "user", "add", "Ann@Example.org", "--role", "editor", stdin=PASSWORD + "\n")[0] == 0
    code, out = _run(data, "user", "list", "--json")
    listed = json.loads(out)
    assert code == 0 and [(u["email"], u["role"], u["disabled"]) for u in listed] == \
        [("ann@example.org", "editor", False)]
    for args in (("role", "ann@example.org", "reviewer"), ("disable", "ANN@example.org"),
                 ("enable", "ann@example.org")):
        code, out = _run(data, "user", *args)
        assert code == 0, out
    code, out = _run(data, "user", "reset", "ann@example.org")
    assert code == 0 and _token(out)
    a = build_app(load_settings(data=str(data)))
    try:
        assert a.accounts.list_users()[0].role.value == "reviewer"
        audit = a.accounts.audit()
        assert [e.action for e in audit] == ["user-add", "user-role", "user-disable",
                                             "user-enable", "user-reset"]
        assert {e.actor for e in audit} == {"operator"}
    finally:
        a.catalogue.dispose()


def test_a_printed_link_sets_the_password_once(data: Path) -> None:
    """`add --link` makes an account without a password and prints a link valid 24 hours
    on the archive's public address."""
    code, out = _run(data, "user", "add", "bob@example.org", "--role", "admin", "--link")
    assert code == 0 and "24 hours" in out
    a = build_app(load_settings(data=str(data)))
    try:
        token = _token(out)
        assert a.accounts.link_user(token) is not None
        a.accounts.set_password_by_link(token, PASSWORD)
        assert a.accounts.log_in("bob@example.org", PASSWORD, "127.0.0.1").user is not None
    finally:
        a.catalogue.dispose()


@pytest.mark.parametrize(("args", "stdin", "says"), [
    (("add", "ann@example.org", "--role", "owner"), PASSWORD, "no role 'owner'"),
    (("add", "ann@example.org", "--role", "reader"), PASSWORD, "editor, reviewer or admin"),
    (("add", "not-an-email", "--role", "editor"), PASSWORD, "not an email address"),
    (("add", "ann@example.org", "--role", "editor"), "short", "at least 10 characters"),
    (("disable", "nobody@example.org"), None, "no account for"),
    (("role", "nobody@example.org", "editor"), None, "no account for"),
])
def test_bad_requests_say_why_and_exit_1(data: Path, args: tuple[str, ...], stdin: str | None,
                                        says: str) -> None:
    """An unknown role, a non-address, a short password or an unknown account: a reason."""
    code, out = _run(data, "user", *args, stdin=stdin)
    assert code == 1 and says in " ".join(out.split()), out


def test_an_email_cannot_have_two_accounts(data: Path) -> None:
    """Adding an address that has an account, in another case, is refused."""
    _run(data, "user", "add", "ann@example.org", "--role", "editor", stdin=PASSWORD)
    code, out = _run(data, "user", "add", "ANN@EXAMPLE.ORG", "--role", "admin", stdin=PASSWORD)
    assert code == 1 and "has an account already" in out
