"""Accounts in the catalogue, on SQLite and PostgreSQL: adding, roles, disabling (ending
sessions), set-password links, logins throttled per account and per address, the audit log,
and no password, hash or token in any log line."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import inspect

from chancery.bootstrap import App
from chancery.domain.accounts import AccountError, Role
from chancery.services.accounts import Accounts
from chancery.storage.accounts import SqlAccounts
from tests.integration.sources import Clock

PASSWORD = "a long enough passphrase"


@pytest.fixture
def accounts(app: App, clock: Clock) -> Accounts:
    return Accounts(SqlAccounts(app.catalogue.engine), clock)


def test_migration_makes_the_account_tables(app: App) -> None:
    """0008 creates users, sessions, links, throttle counters and the audit log."""
    names = set(inspect(app.catalogue.engine).get_table_names())
    assert {"users", "sessions", "password_links", "login_throttle", "audit_log"} <= names
    current, head = app.catalogue.schema_status()
    assert current == head and head >= "0008"


def test_emails_are_unique_whatever_their_case(accounts: Accounts) -> None:
    """Ann@X.org and ann@x.org are one account; the second add is refused."""
    made, link = accounts.add_user("Ann@Example.org", "editor", PASSWORD)
    assert made.email == "ann@example.org" and made.role is Role.EDITOR and link == ""
    with pytest.raises(AccountError, match="has an account"):
        accounts.add_user("ANN@example.ORG", "admin", PASSWORD)
    with pytest.raises(AccountError, match="editor, reviewer or admin"):
        accounts.add_user("bob@example.org", "reader", PASSWORD)
    assert [u.email for u in accounts.list_users()] == ["ann@example.org"]


def test_login_gives_a_session_that_logout_and_disabling_end(accounts: Accounts) -> None:
    """A right password makes a session; logging out ends it, and so does disabling the account
    (every session of it, server-side: the cookie alone is worth nothing after)."""
    accounts.add_user("ann@example.org", "editor", PASSWORD)
    first = accounts.log_in("ANN@example.org", PASSWORD, "10.0.0.1")
    assert first.user and accounts.session_user(first.token) == first.user
    accounts.log_out(first.token)
    assert accounts.session_user(first.token) is None
    second = accounts.log_in("ann@example.org", PASSWORD, "10.0.0.1")
    accounts.set_disabled("ann@example.org", True)
    assert accounts.session_user(second.token) is None
    assert accounts.log_in("ann@example.org", PASSWORD, "10.0.0.1").user is None
    accounts.set_disabled("ann@example.org", False)
    assert accounts.session_user(second.token) is None  # enabling does not bring it back
    assert accounts.log_in("ann@example.org", PASSWORD, "10.0.0.1").user is not None


def test_sessions_expire_when_idle(accounts: Accounts, clock: Clock) -> None:
    """Half a day unused, a session is over."""
    accounts.add_user("ann@example.org", "editor", PASSWORD)
    token = accounts.log_in("ann@example.org", PASSWORD, "10.0.0.1").token
    clock.now += timedelta(hours=11)
    assert accounts.session_user(token) is not None
    clock.now += timedelta(hours=11)  # 11 h after it was last used
    assert accounts.session_user(token) is not None
    clock.now += timedelta(hours=13)
    assert accounts.session_user(token) is None


def test_set_password_links_are_one_time_and_last_a_day(accounts: Accounts, clock: Clock) -> None:
    """An account added with a link has no password until the link is used, once; a reset
    clears the password and ends sessions; an expired link is refused."""
    user, token = accounts.add_user("bob@example.org", "reviewer", None)
    assert token and not user.has_password
    assert accounts.log_in("bob@example.org", PASSWORD, "10.0.0.2").user is None
    assert accounts.link_user(token) == user
    accounts.set_password_by_link(token, PASSWORD)
    with pytest.raises(AccountError, match="used or has expired"):
        accounts.set_password_by_link(token, PASSWORD + "!")
    session = accounts.log_in("bob@example.org", PASSWORD, "10.0.0.2").token
    again = accounts.reset("bob@example.org")
    assert accounts.session_user(session) is None
    assert accounts.log_in("bob@example.org", PASSWORD, "10.0.0.2").user is None
    clock.now += timedelta(hours=24)
    assert accounts.link_user(again) is None
    with pytest.raises(AccountError):
        accounts.set_password_by_link(again, PASSWORD)


def test_logins_are_throttled_per_account_whether_it_exists_or_not(accounts: Accounts,
                                                                   clock: Clock) -> None:
    """Five failures for one email in 15 minutes: the sixth try waits, even with the right
    password, and an unknown email is answered exactly alike; the window then runs out."""
    accounts.add_user("ann@example.org", "editor", PASSWORD)
    for email in ("ann@example.org", "nobody@example.org"):
        for n in range(5):
            assert accounts.log_in(email, "wrong password", f"10.1.0.{n}").retry_after == 0
        refused = accounts.log_in(email, PASSWORD, "10.1.0.9")
        assert refused.user is None and 0 < refused.retry_after <= 900
    clock.now += timedelta(minutes=15)
    assert accounts.log_in("ann@example.org", PASSWORD, "10.1.0.9").user is not None


def test_logins_are_throttled_per_address(accounts: Accounts) -> None:
    """Twenty failures from one address, over any emails, make that address wait; another
    address is not held up."""
    accounts.add_user("ann@example.org", "editor", PASSWORD)
    for n in range(20):
        accounts.log_in(f"guess{n}@example.org", "wrong password", "10.2.0.1")
    assert accounts.log_in("ann@example.org", PASSWORD, "10.2.0.1").retry_after > 0
    assert accounts.log_in("ann@example.org", PASSWORD, "10.2.0.2").user is not None


def test_every_change_and_login_is_audited(accounts: Accounts) -> None:
    """Adds, role changes, disabling, resets, logins and failures are in the audit log."""
    accounts.add_user("ann@example.org", "editor", PASSWORD)
    accounts.set_role("ann@example.org", "reviewer")
    accounts.log_in("ann@example.org", PASSWORD, "10.0.0.1")
    accounts.log_in("ann@example.org", "wrong password", "10.0.0.1")
    accounts.set_disabled("ann@example.org", True)
    accounts.reset("ann@example.org")
    log = accounts.audit()
    assert [e.action for e in log] == ["user-add", "user-role", "login", "login-failed",
                                       "user-disable", "user-reset"]
    assert log[1].detail == {"before": "editor", "after": "reviewer"}
    assert log[0].actor == "operator" and log[2].actor == "ann@example.org"


def test_no_password_hash_or_token_is_logged_or_audited(app: App, accounts: Accounts,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    """Adding, logging in, failing, resetting and setting a password leave no password,
    hash or token in any log line or audit entry (a password typed as the email neither)."""
    caplog.set_level(logging.DEBUG)
    secrets = [PASSWORD, "wrong password", "MyPassword-in-the-email-field"]
    accounts.add_user("ann@example.org", "editor", PASSWORD)
    secrets.append(accounts.log_in("ann@example.org", PASSWORD, "10.0.0.1").token)
    accounts.log_in("ann@example.org", "wrong password", "10.0.0.1")
    accounts.log_in("MyPassword-in-the-email-field", PASSWORD, "10.0.0.1")
    secrets.append(accounts.reset("ann@example.org"))
    accounts.set_password_by_link(secrets[-1], PASSWORD)
    with app.catalogue.engine.connect() as conn:
        secrets.append(conn.exec_driver_sql("SELECT password_hash FROM users").scalar_one())
    written = caplog.text + repr(accounts.audit())
    assert "failed login" in caplog.text  # the capture sees our log lines
    for secret in secrets:
        assert secret and secret not in written


def test_the_migration_matches_the_tables_module(app: App) -> None:
    """What 0008 made is what storage/tables.py declares (no drift for the account tables)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from chancery.storage.tables import metadata

    ours = {"users", "sessions", "password_links", "login_throttle", "audit_log"}
    with app.catalogue.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    touching = [d for d in diff if any(name in repr(d) for name in ours)]
    assert touching == []
