"""API tokens in the catalogue, on SQLite and PostgreSQL: made for an account and kept only as
a hash, listed with their last use, revoked at once, dead with a disabled account, audited,
and never in a log line or an audit entry."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

import pytest
from sqlalchemy import inspect

from chancery.bootstrap import App
from chancery.domain.accounts import AccountError, Role
from chancery.domain.tokens import PREFIX, Scope
from chancery.services.accounts import Accounts
from chancery.services.tokens import Tokens
from chancery.storage.accounts import SqlAccounts
from chancery.storage.tokens import SqlTokens
from tests.integration.sources import Clock

PASSWORD = "a long enough passphrase"


@pytest.fixture
def accounts(app: App, clock: Clock) -> Accounts:
    made = Accounts(SqlAccounts(app.catalogue.engine), clock)
    made.add_user("ann@example.org", "editor", PASSWORD)
    made.add_user("rex@example.org", "reviewer", PASSWORD)
    return made


@pytest.fixture
def tokens(app: App, accounts: Accounts, clock: Clock) -> Tokens:
    return Tokens(SqlTokens(app.catalogue.engine), accounts.store, clock)


def test_the_migration_makes_the_token_table_as_declared(app: App) -> None:
    """0010 makes api_tokens, and it is what storage/tokens.py declares (no drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from chancery.storage.tables import metadata

    assert "api_tokens" in inspect(app.catalogue.engine).get_table_names()
    assert app.catalogue.schema_status()[0] >= "0010"
    with app.catalogue.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in diff if "api_tokens" in repr(d)] == []


def test_an_archive_from_before_tokens_upgrades_with_its_accounts(app: App,
                                                                 accounts: Accounts) -> None:
    """Back at 0009 (no api_tokens), the accounts stay; `migrate` brings the table and a
    token can be made for an account from before."""
    from alembic import command

    from chancery.storage import migrate

    cfg = migrate._config()
    with app.catalogue.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    assert "api_tokens" not in inspect(app.catalogue.engine).get_table_names()
    app.catalogue.migrate()
    tokens = Tokens(SqlTokens(app.catalogue.engine), accounts.store)
    assert tokens.caller(tokens.create("ann@example.org", "read")[1]) is not None
    assert [u.email for u in accounts.list_users()] == ["ann@example.org", "rex@example.org"]


def test_a_token_is_kept_only_as_its_hash_and_acts_as_its_account(app: App, tokens: Tokens) -> None:
    """The token is returned once; the table holds its SHA-256, not the token; the token
    finds its account and scope, a wrong or empty one nothing."""
    made, secret = tokens.create("ANN@example.org", "write", "nightly import")
    assert secret.startswith(PREFIX) and len(secret) > 40
    assert (made.owner, made.name, made.scope) == ("ann@example.org", "nightly import", Scope.WRITE)
    with app.catalogue.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM api_tokens").scalar_one()
    assert stored == hashlib.sha256(secret.encode()).hexdigest() and secret not in stored
    caller = tokens.caller(secret)
    assert caller and caller.user.email == "ann@example.org" and caller.may_write
    assert caller.token_id == made.id
    assert tokens.caller(secret[:-1]) is None and tokens.caller("") is None


def test_tokens_are_listed_with_their_last_use(tokens: Tokens, clock: Clock) -> None:
    """The list names owner, name, scope, when made and last used (written at most once a
    minute, so a busy script does not write on every request)."""
    made, secret = tokens.create("ann@example.org", "read")
    assert tokens.list()[0].last_used_at is None
    tokens.caller(secret)
    assert tokens.list()[0].last_used_at == clock.now
    first = clock.now
    clock.now += timedelta(seconds=30)
    tokens.caller(secret)
    assert tokens.list()[0].last_used_at == first
    clock.now += timedelta(minutes=2)
    tokens.caller(secret)
    listed = tokens.list()
    assert [(t.id, t.owner, t.name, t.scope, t.last_used_at) for t in listed] == [
        (made.id, "ann@example.org", "", Scope.READ, clock.now)]


def test_revoking_refuses_the_token_at_once(tokens: Tokens, clock: Clock) -> None:
    """After revoke the very next check fails; revoking again or an unknown id says why; the
    other tokens keep working."""
    made, secret = tokens.create("ann@example.org", "read", "laptop")
    _, other = tokens.create("ann@example.org", "read", "server")
    assert tokens.caller(secret) is not None
    tokens.revoke(made.id)
    assert tokens.caller(secret) is None and tokens.caller(other) is not None
    assert tokens.list()[0].revoked_at == clock.now and not tokens.list()[0].is_active
    with pytest.raises(AccountError, match="revoked already"):
        tokens.revoke(made.id)
    with pytest.raises(AccountError, match="no token 999"):
        tokens.revoke(999)


def test_a_disabled_accounts_tokens_stop_working(tokens: Tokens, accounts: Accounts) -> None:
    """Disabling the owner refuses its tokens (enabling brings them back: the token was not
    revoked, the account was paused); a role taken away leaves a reader's token."""
    _, secret = tokens.create("ann@example.org", "write")
    accounts.set_disabled("ann@example.org", True)
    assert tokens.caller(secret) is None
    accounts.set_disabled("ann@example.org", False)
    assert tokens.caller(secret) is not None
    accounts.set_role("ann@example.org", "reader")
    caller = tokens.caller(secret)
    assert caller and caller.user.role is Role.READER


def test_bad_requests_are_refused_with_a_reason(tokens: Tokens, accounts: Accounts) -> None:
    """An unknown account, a disabled one, a reader, a scope that is not read or write, and
    a name too long or with control characters are refused, and nothing is made."""
    accounts.add_user("dan@example.org", "editor", PASSWORD)
    accounts.set_disabled("dan@example.org", True)
    accounts.add_user("red@example.org", "editor", PASSWORD)
    accounts.set_role("red@example.org", "reader")
    for args, message in [(("nobody@example.org", "read"), "no account"),
                          (("dan@example.org", "read"), "disabled or not an editor"),
                          (("red@example.org", "read"), "disabled or not an editor"),
                          (("ann@example.org", "admin"), "choose read or write"),
                          (("ann@example.org", "read", "x" * 101), "at most 100"),
                          (("ann@example.org", "read", "a\nb"), "control characters"),
                          (("not an email", "read"), "not an email")]:
        with pytest.raises(AccountError, match=message):
            tokens.create(*args)
    assert tokens.list() == []


def test_token_changes_are_audited_without_the_token(app: App, tokens: Tokens, accounts: Accounts,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """create and revoke are in the audit log (who, which token, its name and scope); neither
    the token nor its hash is in any log line or audit entry, even when a bad one is tried."""
    caplog.set_level(logging.DEBUG)
    made, secret = tokens.create("ann@example.org", "write", "sync")
    tokens.caller(secret)
    tokens.caller(secret + "x")
    tokens.revoke(made.id)
    tokens.caller(secret)
    entries = accounts.audit()
    assert [(e.actor, e.action, e.subject) for e in entries[-2:]] == [
        ("operator", "token-create", "ann@example.org"),
        ("operator", "token-revoke", "ann@example.org")]
    assert entries[-2].detail == {"token": made.id, "name": "sync", "scope": "write"}
    assert "unknown, revoked or disabled" in caplog.text  # the capture sees our log lines
    written = caplog.text + repr(entries) + repr(tokens.list())
    for leaked in (secret, secret[len(PREFIX):], hashlib.sha256(secret.encode()).hexdigest()):
        assert leaked not in written


def test_the_audit_log_gives_the_latest_entries_oldest_first(accounts: Accounts,
                                                             clock: Clock) -> None:
    """With a limit the log gives the newest entries (not the first ever), still in order;
    --since starts at a time."""
    for role in ("reviewer", "editor", "admin", "reader", "editor"):
        clock.now += timedelta(hours=1)
        accounts.set_role("ann@example.org", role)
    latest = accounts.audit(limit=3)
    assert [e.detail["after"] for e in latest] == ["admin", "reader", "editor"]
    assert [e.at for e in latest] == sorted(e.at for e in latest)
    since = accounts.audit(since=clock.now - timedelta(minutes=90))
    assert [e.at for e in since] == [clock.now - timedelta(hours=1), clock.now]
