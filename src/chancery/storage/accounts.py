"""Accounts in the catalogue: users, sessions, set-password links, login throttle counters and
the audit log, on SQLite and PostgreSQL. Kept in the catalogue so that every server process
(``serve --workers N``) and every restart sees the same sessions and counters.

The audit log is only ever inserted into and read here: there is no UPDATE or DELETE of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, case, insert, select, update
from sqlalchemy.exc import IntegrityError

from chancery.domain.accounts import AuditEntry, Role, User
from chancery.storage.tables import audit_log, login_throttle, password_links, sessions, users


def _utc(at: datetime) -> datetime:
    """SQLite gives back the UTC times it was given without their zone."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _user(row: Row[Any]) -> User:
    return User(id=row.id, email=row.email, role=Role(row.role), disabled=bool(row.disabled),
                created_at=_utc(row.created_at), has_password=row.password_hash is not None)


class SqlAccounts:
    """The account tables, on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # users

    def add_user(self, email: str, role: Role, password_hash: str | None,
                 now: datetime) -> User | None:
        """A new account; None when the email has one already."""
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(users).values(email=email, role=role.value, disabled=False,
                                                  password_hash=password_hash, created_at=now))
        except IntegrityError:
            return None
        found = self.find_user(email)
        return found[0] if found else None

    def find_user(self, email: str) -> tuple[User, str | None] | None:
        """An account and its password hash, by (normalised) email."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.email == email)).first()
        return (_user(row), row.password_hash) if row else None

    def list_users(self) -> list[User]:
        """Every account, by email."""
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(select(users).order_by(users.c.email))]

    def set_role(self, user_id: int, role: Role) -> None:
        """Give an account another role."""
        with self.engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user_id).values(role=role.value))

    def set_disabled(self, user_id: int, disabled: bool, now: datetime) -> None:
        """Disable (ending every session of the account at once) or enable an account."""
        with self.engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user_id).values(disabled=disabled))
            if disabled:
                self._revoke_all(conn, user_id, now)

    def set_password_hash(self, user_id: int, password_hash: str | None, now: datetime) -> None:
        """Store a new password hash (None: no password works) and end every session."""
        with self.engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user_id)
                         .values(password_hash=password_hash))
            self._revoke_all(conn, user_id, now)

    @staticmethod
    def _revoke_all(conn: Connection, user_id: int, now: datetime) -> None:
        conn.execute(update(sessions).where(sessions.c.user_id == user_id,
                                            sessions.c.revoked_at.is_(None))
                     .values(revoked_at=now))

    # sessions

    def add_session(self, token_hash: str, user_id: int, now: datetime, expires: datetime) -> None:
        """Record a login."""
        with self.engine.begin() as conn:
            conn.execute(insert(sessions).values(token_hash=token_hash, user_id=user_id,
                                                 created_at=now, last_seen=now,
                                                 expires_at=expires))

    def session(self, token_hash: str, now: datetime) -> tuple[User, datetime, datetime] | None:
        """(account, created, last seen) of a session neither revoked nor expired."""
        query = (select(users, sessions.c.created_at.label("s_created"), sessions.c.last_seen)
                 .join(sessions, sessions.c.user_id == users.c.id)
                 .where(sessions.c.token_hash == token_hash, sessions.c.revoked_at.is_(None),
                        sessions.c.expires_at > now))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (_user(row), _utc(row.s_created), _utc(row.last_seen)) if row else None

    def touch_session(self, token_hash: str, now: datetime) -> None:
        """Note that a session was used now."""
        with self.engine.begin() as conn:
            conn.execute(update(sessions).where(sessions.c.token_hash == token_hash)
                         .values(last_seen=now))

    def revoke_session(self, token_hash: str, now: datetime) -> None:
        """End one session (logout)."""
        with self.engine.begin() as conn:
            conn.execute(update(sessions).where(sessions.c.token_hash == token_hash,
                                                sessions.c.revoked_at.is_(None))
                         .values(revoked_at=now))

    # set-password links

    def add_link(self, token_hash: str, user_id: int, now: datetime, expires: datetime) -> None:
        """A new one-time link; the account's earlier unused links stop working."""
        with self.engine.begin() as conn:
            conn.execute(update(password_links).where(password_links.c.user_id == user_id,
                                                      password_links.c.used_at.is_(None))
                         .values(used_at=now))
            conn.execute(insert(password_links).values(token_hash=token_hash, user_id=user_id,
                                                       expires_at=expires))

    def link_user(self, token_hash: str, now: datetime) -> User | None:
        """The account an unused, unexpired link is for."""
        query = (select(users).join(password_links, password_links.c.user_id == users.c.id)
                 .where(password_links.c.token_hash == token_hash,
                        password_links.c.used_at.is_(None), password_links.c.expires_at > now))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _user(row) if row else None

    def use_link(self, token_hash: str, now: datetime) -> bool:
        """Mark a link used; False when it was used (or had expired) already. One UPDATE,
        so two requests racing with one link cannot both succeed."""
        with self.engine.begin() as conn:
            done = conn.execute(update(password_links)
                                .where(password_links.c.token_hash == token_hash,
                                       password_links.c.used_at.is_(None),
                                       password_links.c.expires_at > now)
                                .values(used_at=now))
            return bool(done.rowcount)

    # login throttle

    def failures(self, key: str) -> tuple[int, datetime] | None:
        """(failed logins, first failure of the window) counted against a key."""
        with self.engine.connect() as conn:
            row = conn.execute(select(login_throttle).where(login_throttle.c.key == key[:300])).first()
        return (row.failures, _utc(row.since)) if row else None

    def add_failure(self, key: str, now: datetime, window: timedelta) -> None:
        """Count a failed login; a window that has run out starts again at one."""
        key, stale = key[:300], login_throttle.c.since <= now - window
        for _ in range(3):  # a race with another process's first failure is retried
            with self.engine.begin() as conn:
                moved = conn.execute(update(login_throttle).where(login_throttle.c.key == key)
                                     .values(failures=case((stale, 1),
                                                           else_=login_throttle.c.failures + 1),
                                             since=case((stale, now), else_=login_throttle.c.since)))
                if moved.rowcount:
                    return
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(login_throttle).values(key=key, failures=1, since=now))
                return
            except IntegrityError:
                continue

    def clear_failures(self, key: str) -> None:
        """Forget the failures of a key (after a successful login)."""
        with self.engine.begin() as conn:
            conn.execute(update(login_throttle).where(login_throttle.c.key == key[:300])
                         .values(failures=0))

    # audit log: insert and select only

    def append_audit(self, entry: AuditEntry) -> None:
        """Add an entry to the audit log."""
        with self.engine.begin() as conn:
            conn.execute(insert(audit_log).values(at=entry.at, actor=entry.actor[:254],
                                                  action=entry.action, subject=entry.subject[:300],
                                                  detail=entry.detail))

    def audit_entries(self, since: datetime | None = None, limit: int = 1000) -> list[AuditEntry]:
        """The latest ``limit`` audit entries from ``since`` on, oldest first."""
        query = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
        if since is not None:
            query = query.where(audit_log.c.at >= since)
        with self.engine.connect() as conn:
            rows = list(conn.execute(query))
        return [AuditEntry(_utc(r.at), r.actor, r.action, r.subject, dict(r.detail))
                for r in reversed(rows)]
