"""Roles, emails, passwords, sessions and the throttle rule, in the pure domain; and the audit
log's append-only promise, checked in the source."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chancery.domain.accounts import (
    SESSION_IDLE,
    SESSION_LIFETIME,
    AccountError,
    Role,
    User,
    actor_of,
    can_use_workspace,
    check_password,
    has_role,
    normal_email,
    parse_role,
    session_alive,
    throttle_wait,
)
from chancery.domain.publication import Actor

SRC = Path(__file__).resolve().parents[2] / "src" / "chancery"
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def _user(role: Role, disabled: bool = False) -> User:
    return User(1, "a@example.org", role, disabled, NOW)


def test_roles_rank_reader_editor_reviewer_admin() -> None:
    """Each role can do what the ones before it can, and no more."""
    assert has_role(Role.ADMIN, Role.REVIEWER) and has_role(Role.REVIEWER, Role.EDITOR)
    assert not has_role(Role.EDITOR, Role.REVIEWER) and not has_role(Role.READER, Role.EDITOR)


def test_only_enabled_staff_use_the_workspace_and_see_as_editors() -> None:
    """A reader account, a disabled editor and nobody read as the public."""
    assert can_use_workspace(_user(Role.EDITOR)) and actor_of(_user(Role.ADMIN)) is Actor.EDITOR
    for who in (_user(Role.READER), _user(Role.REVIEWER, disabled=True), None):
        assert actor_of(who) is Actor.PUBLIC


def test_emails_are_keyed_case_insensitively_and_checked() -> None:
    """Two spellings of one address are one key; something that is not an address is refused."""
    assert normal_email("  Ann.Smith@Archive.ORG ") == "ann.smith@archive.org"
    for bad in ("", "ann", "ann@", "a b@x.org", "a@b@c.org", "x" * 250 + "@a.org"):
        with pytest.raises(AccountError):
            normal_email(bad)


def test_roles_by_name_and_password_length() -> None:
    """Role names parse in any case; short or huge passwords are refused with the reason."""
    assert parse_role(" Reviewer ") is Role.REVIEWER
    with pytest.raises(AccountError, match="editor"):
        parse_role("owner")
    check_password("correct horse")
    for bad in ("short", "x" * 1025):
        with pytest.raises(AccountError, match="password"):
            check_password(bad)


def test_sessions_end_after_their_lifetime_or_when_idle() -> None:
    """A week after login, or half a day unused, a session is over."""
    assert session_alive(NOW, NOW, NOW + timedelta(hours=1))
    assert not session_alive(NOW, NOW + SESSION_LIFETIME, NOW + SESSION_LIFETIME)
    assert not session_alive(NOW, NOW, NOW + SESSION_IDLE)


def test_throttle_waits_out_the_window_from_the_first_failure() -> None:
    """Below the limit: no wait; at it: until 15 minutes after the first failure."""
    assert throttle_wait(4, NOW, NOW, 5) == 0
    assert throttle_wait(5, NOW, NOW + timedelta(minutes=5), 5) == 600
    assert throttle_wait(5, NOW, NOW + timedelta(minutes=15), 5) == 0


def test_the_audit_log_is_never_updated_or_deleted_by_our_code() -> None:
    """No module of Chancery updates or deletes audit_log rows (it is append-only)."""
    wrong = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
             if re.search(r"(update|delete)\(\s*audit_log|(UPDATE|DELETE FROM)\s+audit_log",
                          p.read_text())]
    assert wrong == []
    assert re.search(r"insert\(audit_log", (SRC / "storage" / "accounts.py").read_text())
