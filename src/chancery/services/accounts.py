"""Accounts, logins and sessions: the use cases behind `chancery user ...` and the
workspace's login. Every change is written to the audit log; no password, hash or token is
ever logged, audited or returned except the one new token its caller must hand on."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from chancery.domain.accounts import (
    ACCOUNT_FAILURES,
    ADDRESS_FAILURES,
    LINK_LIFETIME,
    OPERATOR,
    SESSION_LIFETIME,
    STAFF_ROLES,
    THROTTLE_WINDOW,
    AccountError,
    AuditEntry,
    Role,
    User,
    check_password,
    normal_email,
    parse_role,
    session_alive,
    throttle_wait,
    token_digest,
)
from chancery.domain.workflow import Acting, Refused
from chancery.services.clock import utc_now
from chancery.services.passwords import hash_password, password_matches

log = logging.getLogger("chancery.accounts")
_TOUCH_EVERY = timedelta(minutes=5)  # a session's last_seen is written at most this often


class AccountStore(Protocol):
    """What the account use cases need from storage (storage/accounts.py)."""

    def add_user(self, email: str, role: Role, password_hash: str | None,
                 now: datetime) -> User | None: ...
    def find_user(self, email: str) -> tuple[User, str | None] | None: ...
    def list_users(self) -> list[User]: ...
    def set_role(self, user_id: int, role: Role) -> None: ...
    def set_disabled(self, user_id: int, disabled: bool, now: datetime) -> None: ...
    def set_password_hash(self, user_id: int, password_hash: str | None, now: datetime) -> None: ...
    def add_session(self, token_hash: str, user_id: int, now: datetime, expires: datetime) -> None: ...
    def session(self, token_hash: str, now: datetime) -> tuple[User, datetime, datetime] | None: ...
    def touch_session(self, token_hash: str, now: datetime) -> None: ...
    def revoke_session(self, token_hash: str, now: datetime) -> None: ...
    def add_link(self, token_hash: str, user_id: int, now: datetime, expires: datetime) -> None: ...
    def link_user(self, token_hash: str, now: datetime) -> User | None: ...
    def use_link(self, token_hash: str, now: datetime) -> bool: ...
    def failures(self, key: str) -> tuple[int, datetime] | None: ...
    def add_failure(self, key: str, now: datetime, window: timedelta) -> None: ...
    def clear_failures(self, key: str) -> None: ...
    def append_audit(self, entry: AuditEntry) -> None: ...
    def audit_entries(self, since: datetime | None = None, limit: int = 1000) -> list[AuditEntry]: ...


@dataclass(frozen=True)
class Login:
    """The outcome of a login: a session token, or nothing and how long to wait (0: the
    email or password was wrong; the two cases are told apart nowhere else)."""

    user: User | None = None
    token: str = ""
    retry_after: int = 0


class Accounts:
    """Account use cases over a store, with an injectable clock."""

    def __init__(self, store: AccountStore, clock: Callable[[], datetime] = utc_now) -> None:
        self.store, self.clock = store, clock

    def _audit(self, actor: str, action: str, subject: str = "", **detail: object) -> None:
        self.store.append_audit(AuditEntry(self.clock(), actor, action, subject, dict(detail)))

    def _user(self, email: str) -> User:
        found = self.store.find_user(normal_email(email))
        if found is None:
            raise AccountError(f"no account for {email.strip()!r}")
        return found[0]

    def record(self, actor: str, action: str, subject: str = "", **detail: object) -> None:
        """Write one line to the audit log (the workflow's steps are logged here too)."""
        self._audit(actor, action, subject, **detail)

    def acting(self, email: str | None) -> Acting:
        """Who takes a workflow step: the enabled staff account named, or the local operator
        when no email is given; AccountError for an unknown, disabled or reader account."""
        if not (email or "").strip():
            return Acting.operator()
        try:
            return Acting.of(self._user(email or ""))
        except Refused as exc:
            raise AccountError(exc.message) from None

    # managing accounts (the CLI; later the admin's workspace pages)

    def add_user(self, email: str, role: str, password: str | None,
                 actor: str = OPERATOR) -> tuple[User, str]:
        """A new account with a password, or (password None) with a set-password link token
        returned; AccountError when the email has an account or the role is not a staff one."""
        key, chosen = normal_email(email), parse_role(role)
        if chosen not in STAFF_ROLES:
            raise AccountError("an account is for an editor, reviewer or admin")
        if password is not None:
            check_password(password)
        made = self.store.add_user(key, chosen, hash_password(password) if password else None,
                                   self.clock())
        if made is None:
            raise AccountError(f"{key} has an account already")
        self._audit(actor, "user-add", key, role=chosen.value, link=password is None)
        return made, "" if password is not None else self._new_link(made)

    def list_users(self) -> list[User]:
        """Every account, by email."""
        return self.store.list_users()

    def set_disabled(self, email: str, disabled: bool, actor: str = OPERATOR) -> User:
        """Disable an account (its sessions end at once) or enable it again."""
        user = self._user(email)
        self.store.set_disabled(user.id, disabled, self.clock())
        self._audit(actor, "user-disable" if disabled else "user-enable", user.email)
        return user

    def set_role(self, email: str, role: str, actor: str = OPERATOR) -> User:
        """Give an account another role (reader: it keeps its record but not the workspace)."""
        user, chosen = self._user(email), parse_role(role)
        self.store.set_role(user.id, chosen)
        self._audit(actor, "user-role", user.email, before=user.role.value, after=chosen.value)
        return user

    def reset(self, email: str, actor: str = OPERATOR) -> str:
        """Clear an account's password, end its sessions, and return a set-password link
        token: a reset is for a forgotten or exposed password, so the old one stops working."""
        user = self._user(email)
        self.store.set_password_hash(user.id, None, self.clock())
        self._audit(actor, "user-reset", user.email)
        return self._new_link(user)

    def _new_link(self, user: User) -> str:
        token, now = secrets.token_urlsafe(32), self.clock()
        self.store.add_link(token_digest(token), user.id, now, now + LINK_LIFETIME)
        return token

    # set-password links

    def link_user(self, token: str) -> User | None:
        """The account an unused, unexpired set-password link is for."""
        return self.store.link_user(token_digest(token), self.clock()) if token else None

    def set_password_by_link(self, token: str, password: str) -> User:
        """Set a password through a one-time link; AccountError when the password is refused
        or the link is used up, expired or unknown."""
        check_password(password)
        user = self.link_user(token)
        if user is None or not self.store.use_link(token_digest(token), self.clock()):
            raise AccountError("this link has been used or has expired; ask an admin for a new one")
        self.store.set_password_hash(user.id, hash_password(password), self.clock())
        self._audit(user.email, "password-set", user.email)
        return user

    # logging in and out

    def log_in(self, email: str, password: str, address: str) -> Login:
        """Check a login, throttled per account and per address; a session token on success."""
        key = email.strip().lower()[:254]
        keys = (f"account:{key}", f"address:{address}")
        wait = self._throttled(keys)
        if wait:  # refused unchecked, so not audited (a bot would fill the log); counted
            log.info("login throttled for %s s", wait)
            return Login(retry_after=wait)
        found = self.store.find_user(key)
        user = found[0] if found else None
        if not password_matches(found[1] if found else None, password) or not user or user.disabled:
            for k in keys:
                self.store.add_failure(k, self.clock(), THROTTLE_WINDOW)
            # an unknown "email" may be a password typed in the wrong field: not written down
            named = key if user else "(no such account)"
            self._audit(named, "login-failed", named, address=address)
            log.info("failed login from %s", address)
            return Login()
        self.store.clear_failures(keys[0])
        token, now = secrets.token_urlsafe(32), self.clock()
        self.store.add_session(token_digest(token), user.id, now, now + SESSION_LIFETIME)
        self._audit(user.email, "login", user.email, address=address)
        return Login(user=user, token=token)

    def _throttled(self, keys: tuple[str, str]) -> int:
        now, waits = self.clock(), []
        for key, limit in zip(keys, (ACCOUNT_FAILURES, ADDRESS_FAILURES), strict=True):
            counted = self.store.failures(key)
            waits.append(throttle_wait(*counted, now, limit) if counted else 0)
        return max(waits)

    def session_user(self, token: str) -> User | None:
        """The enabled account a live session token belongs to."""
        if not token:
            return None
        digest, now = token_digest(token), self.clock()
        found = self.store.session(digest, now)
        if found is None:
            return None
        user, created, last_seen = found
        if user.disabled or not session_alive(created, last_seen, now):
            return None
        if now - last_seen > _TOUCH_EVERY:
            self.store.touch_session(digest, now)
        return user

    def log_out(self, token: str) -> None:
        """End a session (the cookie alone no longer logs anyone in)."""
        user = self.session_user(token)
        self.store.revoke_session(token_digest(token), self.clock())
        if user is not None:
            self._audit(user.email, "logout", user.email)

    def audit(self, since: datetime | None = None, limit: int = 1000) -> list[AuditEntry]:
        """The audit log's latest ``limit`` entries from ``since`` on, oldest first."""
        return self.store.audit_entries(since, limit)
