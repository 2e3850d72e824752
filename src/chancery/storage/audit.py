"""Reading the audit log for the admins' workspace page: newest first, filtered, a page at a
time. Only SELECT here: the log is written by storage/accounts.py and never changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, select

from chancery.domain.accounts import AuditEntry
from chancery.storage.accounts import _utc
from chancery.storage.tables import audit_log


class SqlAuditReads:
    """The audit log's reads, on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def entries(self, since: datetime | None, action: str, actor: str, limit: int,
                offset: int) -> list[AuditEntry]:
        """Entries from ``since`` on, of one action and by actors whose name holds ``actor``
        ("" for any), newest first, ``limit`` from ``offset``."""
        q = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        if since is not None:
            q = q.where(audit_log.c.at >= since)
        if action:
            q = q.where(audit_log.c.action == action)
        if actor:
            q = q.where(func.lower(audit_log.c.actor).contains(actor.lower(), autoescape=True))
        with self.engine.connect() as conn:
            rows = list(conn.execute(q.limit(limit).offset(offset)))
        return [AuditEntry(_utc(r.at), r.actor, r.action, r.subject, dict(r.detail)) for r in rows]

    def actions(self) -> list[str]:
        """Every action the log holds, for choosing one (the action column is indexed)."""
        q = select(audit_log.c.action).distinct().order_by(audit_log.c.action)
        with self.engine.connect() as conn:
            return [str(a) for a in conn.execute(q).scalars()]
