"""API tokens: made for an account (shown once), listed, revoked, and checked on each API
request. Every change is audited; no token or hash is ever logged, audited or listed."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from chancery.domain.accounts import (
    OPERATOR,
    AccountError,
    AuditEntry,
    User,
    can_use_workspace,
    normal_email,
    token_digest,
)
from chancery.domain.tokens import PREFIX, ApiToken, Caller, Scope, clean_name, parse_scope
from chancery.services.accounts import AccountStore
from chancery.services.clock import utc_now

log = logging.getLogger("chancery.tokens")
_TOUCH_EVERY = timedelta(minutes=1)  # last use is written at most this often per token


class TokenStore(Protocol):
    """What the token use cases need from storage (storage/tokens.py)."""

    def add_token(self, token_hash: str, user_id: int, name: str, scope: Scope,
                  now: datetime) -> int: ...
    def list_tokens(self) -> list[ApiToken]: ...
    def token(self, token_id: int) -> ApiToken | None: ...
    def revoke_token(self, token_id: int, now: datetime) -> bool: ...
    def token_owner(self, token_hash: str) -> tuple[User, ApiToken] | None: ...
    def touch_token(self, token_id: int, now: datetime) -> None: ...


class Tokens:
    """Token use cases over the token store and the accounts (owners, audit log)."""

    def __init__(self, store: TokenStore, accounts: AccountStore,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store, self.accounts, self.clock = store, accounts, clock

    def _audit(self, actor: str, action: str, subject: str, **detail: object) -> None:
        self.accounts.append_audit(AuditEntry(self.clock(), actor, action, subject, detail))

    def create(self, email: str, scope: str, name: str = "",
               actor: str = OPERATOR) -> tuple[ApiToken, str]:
        """A new token for an enabled editor, reviewer or admin, and the token itself (to be
        shown once: only its hash is kept); AccountError otherwise."""
        chosen, label = parse_scope(scope), clean_name(name)
        found = self.accounts.find_user(normal_email(email))
        if found is None:
            raise AccountError(f"no account for {email.strip()!r}")
        user = found[0]
        if not can_use_workspace(user):
            raise AccountError(f"{user.email} is disabled or not an editor, reviewer or admin; "
                               "a token acts as its account, so it would do nothing")
        secret, now = PREFIX + secrets.token_urlsafe(32), self.clock()
        token_id = self.store.add_token(token_digest(secret), user.id, label, chosen, now)
        self._audit(actor, "token-create", user.email, token=token_id, name=label,
                    scope=chosen.value)
        return ApiToken(token_id, user.email, label, chosen, now), secret

    def list(self) -> list[ApiToken]:
        """Every token, revoked ones too, oldest first."""
        return self.store.list_tokens()

    def revoke(self, token_id: int, actor: str = OPERATOR) -> ApiToken:
        """Revoke a token: the next request with it is refused. AccountError when there is
        no such token or it was revoked already."""
        found = self.store.token(token_id)
        if found is None:
            raise AccountError(f"no token {token_id}; see chancery token list")
        if not self.store.revoke_token(token_id, self.clock()):
            raise AccountError(f"token {token_id} was revoked already")
        self._audit(actor, "token-revoke", found.owner, token=token_id, name=found.name)
        return found

    def caller(self, secret: str) -> Caller | None:
        """Who a token acts as: None when it is unknown, revoked, or its account is disabled
        (checked on every request, so a revocation or a disabling holds at once)."""
        found = self.store.token_owner(token_digest(secret)) if secret else None
        if found is None or found[0].disabled:
            log.info("API request with a token that is unknown, revoked or disabled")
            return None
        user, token = found
        now = self.clock()
        if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
            self.store.touch_token(token.id, now)
        return Caller(user, token.scope, token.id)
