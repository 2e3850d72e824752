"""Accounts and roles: who may do what in the editorial workspace, and the rules a login
follows (password length, session lifetime, how many failures before a pause)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from chancery.domain.publication import Actor


class Role(StrEnum):
    """What an account may do; each role can do everything the one before it can."""

    READER = "reader"  # anyone, logged in or not: sees what is public, nothing more
    EDITOR = "editor"  # creates and edits drafts, submits them for review
    REVIEWER = "reviewer"  # approves and publishes; may edit
    ADMIN = "admin"  # accounts and settings, and everything a reviewer does


# the roles `chancery user add` gives; "reader" is kept for an account whose editorial rights
# were taken away (`chancery user role EMAIL reader`): it can log in but not into the workspace
STAFF_ROLES = (Role.EDITOR, Role.REVIEWER, Role.ADMIN)
_RANK = {Role.READER: 0, Role.EDITOR: 1, Role.REVIEWER: 2, Role.ADMIN: 3}

OPERATOR = "operator"  # the audit log's name for whoever runs `chancery` on the server itself

MIN_PASSWORD = 10  # characters; long enough that the throttle makes guessing hopeless
MAX_PASSWORD = 1024  # a longer one is refused before hashing (hashing megabytes is a DoS)
SESSION_LIFETIME = timedelta(days=7)  # a session ends a week after login, however busy
SESSION_IDLE = timedelta(hours=12)  # ... or after half a day unused (a shared reading-room PC)
LINK_LIFETIME = timedelta(hours=24)  # a set-password link
THROTTLE_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5  # failed logins for one email within the window before it must wait
ADDRESS_FAILURES = 20  # ... from one address (a reading room or institute shares one)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A request about accounts that cannot be done, in words for the person asking."""


@dataclass(frozen=True)
class User:
    """An account, as everyone but the password check sees it (no hash here)."""

    id: int
    email: str
    role: Role
    disabled: bool
    created_at: datetime
    has_password: bool = True


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log. ``detail`` never holds a password, hash or token."""

    at: datetime
    actor: str  # an account's email, or OPERATOR
    action: str  # "user-add", "login", "login-failed", "role", ...
    subject: str = ""  # what it was done to: an email, a document id
    detail: dict[str, object] = field(default_factory=dict)


def normal_email(email: str) -> str:
    """The email as accounts are keyed: trimmed and lower-case (two spellings of one address
    must not make two accounts). Raises AccountError for something that is not an address."""
    cleaned = email.strip().lower()
    if len(cleaned) > 254 or not _EMAIL.match(cleaned):
        raise AccountError(f"not an email address: {email.strip()[:80]!r}")
    return cleaned


def parse_role(name: str) -> Role:
    """A role by name; AccountError naming the choices otherwise."""
    try:
        return Role(name.strip().lower())
    except ValueError:
        raise AccountError(f"no role {name!r}: choose one of "
                           + ", ".join(r.value for r in Role)) from None


def check_password(password: str) -> None:
    """AccountError when a new password is too short or too long."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"a password may have at most {MAX_PASSWORD} characters")


def has_role(role: Role, needed: Role) -> bool:
    """Whether ``role`` includes what ``needed`` may do."""
    return _RANK[role] >= _RANK[needed]


def can_use_workspace(user: User) -> bool:
    """An enabled account of an editor or above."""
    return not user.disabled and has_role(user.role, Role.EDITOR)


def actor_of(user: User | None) -> Actor:
    """What the catalogue's access rule sees this person as."""
    return Actor.EDITOR if user is not None and can_use_workspace(user) else Actor.PUBLIC


def token_digest(token: str) -> str:
    """How a session or link token is stored: its SHA-256 (the token has 256 random bits, so
    a fast hash is enough; a stolen table gives no usable token)."""
    return hashlib.sha256(token.encode()).hexdigest()


def session_alive(created: datetime, last_seen: datetime, now: datetime) -> bool:
    """Whether a session is within its lifetime and not idle too long."""
    return now < created + SESSION_LIFETIME and now < last_seen + SESSION_IDLE


def throttle_wait(failures: int, since: datetime | None, now: datetime, limit: int) -> int:
    """Seconds before another login may be tried, for ``failures`` counted since ``since``
    (the first failure of the window); 0 when it may be tried now."""
    if since is None or failures < limit:
        return 0
    left = (since + THROTTLE_WINDOW - now).total_seconds()
    return max(0, int(left) + (left % 1 > 0))


def form_token(session_token: str) -> str:
    """The CSRF token of a session's forms: derived from the session token, so nothing more
    is stored, and one-way, so a page that shows it gives away nothing of the session."""
    return hashlib.sha256(b"form:" + session_token.encode()).hexdigest()
