"""API tokens, and what each role may do through the API.

A token lets a script act as an account on /api/v1: a ``read`` token reads as that account
(an editor's sees drafts), a ``write`` token also changes state and embargoes, within what the
account's role allows. Only the token's SHA-256 is kept; the token is shown once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chancery.domain.accounts import AccountError, Role, User, has_role
from chancery.domain.workflow import Step

PREFIX = "chancery_"  # so a token pasted somewhere public is recognisable (secret scanners)
MAX_NAME = 100  # characters of a token's name


class Scope(StrEnum):
    """What a token may be used for."""

    READ = "read"  # GET as the account: an editor's token sees drafts, reviews, embargoes
    WRITE = "write"  # also POST: workflow steps and embargoes, as the account's role allows


@dataclass(frozen=True)
class ApiToken:
    """A token as it is listed (never the token itself, nor its hash)."""

    id: int
    owner: str  # the account's email
    name: str
    scope: Scope
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        """Not revoked (whether it works also depends on its account being enabled)."""
        return self.revoked_at is None


@dataclass(frozen=True)
class Caller:
    """Who a request with a valid token acts as, and with which scope."""

    user: User
    scope: Scope
    token_id: int

    @property
    def may_write(self) -> bool:
        """A write token."""
        return self.scope is Scope.WRITE


# The least role that takes each step (docs/security.md). Editors create and submit; the
# reviewer decides what the public sees: publishes, withdraws, reinstates, sends back.
_STEP_ROLE = {Step.SUBMIT: Role.EDITOR, Step.PUBLISH: Role.REVIEWER,
              Step.WITHDRAW: Role.REVIEWER, Step.REINSTATE: Role.REVIEWER,
              Step.REQUEST_CHANGES: Role.REVIEWER}
# An embargo decides the day the public sees a document (clearing one on a published document
# publishes it), so it is the reviewer's, like publishing.
EMBARGO_ROLE = Role.REVIEWER


def may_take(role: Role, step: Step) -> bool:
    """Whether an account with ``role`` may take ``step``."""
    return has_role(role, _STEP_ROLE[step])


def may_embargo(role: Role) -> bool:
    """Whether an account with ``role`` may set or clear an embargo."""
    return has_role(role, EMBARGO_ROLE)


def parse_scope(name: str) -> Scope:
    """A scope by name; AccountError naming the choices otherwise."""
    try:
        return Scope(name.strip().lower())
    except ValueError:
        raise AccountError(f"no scope {name!r}: choose read or write") from None


def clean_name(name: str) -> str:
    """A token's name, trimmed; AccountError when it is too long or has control characters."""
    cleaned = name.strip()
    if len(cleaned) > MAX_NAME:
        raise AccountError(f"a token's name may have at most {MAX_NAME} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in cleaned):
        raise AccountError("a token's name may not hold control characters")
    return cleaned


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; None for another scheme or
    no token (RFC 6750: the scheme is case-insensitive)."""
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token and " " not in token else None
