"""API tokens in the catalogue, on SQLite and PostgreSQL: only each token's SHA-256, its
owner, name, scope, and when it was made, last used and revoked (migration 0010)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Table,
    insert,
    select,
    update,
)

from chancery.domain.accounts import User
from chancery.domain.tokens import ApiToken, Scope
from chancery.storage.accounts import _user, _utc
from chancery.storage.tables import metadata, users

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 hex of the token
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("name", String(100), nullable=False),
    Column("scope", String(8), nullable=False),  # "read" or "write"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),  # once set, never cleared
)

_LISTED = (api_tokens.c.id, users.c.email, api_tokens.c.name, api_tokens.c.scope,
           api_tokens.c.created_at, api_tokens.c.last_used_at, api_tokens.c.revoked_at)


def _token(r: Any) -> ApiToken:
    return ApiToken(r.id, r.email, r.name, Scope(r.scope), _utc(r.created_at),
                    _utc(r.last_used_at) if r.last_used_at else None,
                    _utc(r.revoked_at) if r.revoked_at else None)


class SqlTokens:
    """The token table, on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add_token(self, token_hash: str, user_id: int, name: str, scope: Scope,
                  now: datetime) -> int:
        """Record a new token; its id."""
        with self.engine.begin() as conn:
            made = conn.execute(insert(api_tokens).values(
                token_hash=token_hash, user_id=user_id, name=name, scope=scope.value,
                created_at=now).returning(api_tokens.c.id))
            return int(made.scalar_one())

    def list_tokens(self) -> list[ApiToken]:
        """Every token, revoked ones too, oldest first."""
        query = (select(*_LISTED).join(users, users.c.id == api_tokens.c.user_id)
                 .order_by(api_tokens.c.id))
        with self.engine.connect() as conn:
            return [_token(r) for r in conn.execute(query)]

    def token(self, token_id: int) -> ApiToken | None:
        """One token by id."""
        query = (select(*_LISTED).join(users, users.c.id == api_tokens.c.user_id)
                 .where(api_tokens.c.id == token_id))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _token(row) if row else None

    def revoke_token(self, token_id: int, now: datetime) -> bool:
        """Revoke a token; False when there is none by that id or it was revoked already."""
        with self.engine.begin() as conn:
            done = conn.execute(update(api_tokens).where(api_tokens.c.id == token_id,
                                                         api_tokens.c.revoked_at.is_(None))
                                .values(revoked_at=now))
            return bool(done.rowcount)

    def token_owner(self, token_hash: str) -> tuple[User, ApiToken] | None:
        """(account, token) of an unrevoked token, whatever the account's state (the service
        refuses a disabled one)."""
        query = (select(users, api_tokens.c.id.label("t_id"), api_tokens.c.name.label("t_name"),
                        api_tokens.c.scope, api_tokens.c.created_at.label("t_created"),
                        api_tokens.c.last_used_at)
                 .join(api_tokens, api_tokens.c.user_id == users.c.id)
                 .where(api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None)))
        with self.engine.connect() as conn:
            r = conn.execute(query).first()
        if r is None:
            return None
        token = ApiToken(r.t_id, r.email, r.t_name, Scope(r.scope), _utc(r.t_created),
                         _utc(r.last_used_at) if r.last_used_at else None)
        return _user(r), token

    def touch_token(self, token_id: int, now: datetime) -> None:
        """Note that a token was used now."""
        with self.engine.begin() as conn:
            conn.execute(update(api_tokens).where(api_tokens.c.id == token_id)
                         .values(last_used_at=now))
