"""The audit log as admins read it in the workspace: the same entries as `chancery audit`,
newest first, filtered by day, action and actor, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from chancery.domain.accounts import AuditEntry, Role, User, has_role
from chancery.domain.workflow import Refused

AUDIT_PAGE = 100  # entries per page
MAX_PAGE = 10_000  # pages reached by paging; beyond, narrow by day (OFFSET gets slow)


class AuditReads(Protocol):
    """What the audit page reads (storage/audit.py)."""

    def entries(self, since: datetime | None, action: str, actor: str, limit: int,
                offset: int) -> list[AuditEntry]: ...
    def actions(self) -> list[str]: ...


@dataclass(frozen=True)
class AuditFilter:
    """The audit page's filters as typed: a day (YYYY-MM-DD, UTC), an action, part of a name."""

    since: str = ""
    action: str = ""
    actor: str = ""

    def since_start(self) -> datetime | None:
        """The start (00:00 UTC) of the day given, as `chancery audit --since` reads it;
        Refused for what is not a date."""
        if not self.since.strip():
            return None
        try:
            day = date.fromisoformat(self.since.strip())
        except ValueError:
            raise Refused(f"{self.since.strip()[:40]!r} is not a day: write YYYY-MM-DD") from None
        return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit log, newest first, and the actions there are to filter by."""

    entries: list[AuditEntry]
    page: int
    has_next: bool
    actions: list[str]


def read_audit(reads: AuditReads, user: User, chosen: AuditFilter, page: int = 1) -> AuditPage:
    """A page of the audit log for an admin; PermissionError for anyone else, Refused for a
    filter that cannot be read."""
    if user.disabled or not has_role(user.role, Role.ADMIN):
        raise PermissionError("the audit log is for admins")
    if not 1 <= page <= MAX_PAGE:
        raise Refused(f"page must be between 1 and {MAX_PAGE:,}: narrow by day instead")
    found = reads.entries(chosen.since_start(), chosen.action.strip(), chosen.actor.strip(),
                          AUDIT_PAGE + 1, (page - 1) * AUDIT_PAGE)
    return AuditPage(found[:AUDIT_PAGE], page, len(found) > AUDIT_PAGE, reads.actions())
