"""Purging: taking a document out of the archive for good (a legal takedown), unlike a
withdrawal, which leaves a tombstone. Who may, and what the audit log keeps of it."""

from __future__ import annotations

from chancery.domain.accounts import Role
from chancery.domain.workflow import Refused

# Only an admin (or the local operator): a purge cannot be undone and no second person sees
# it first. A reviewer who must act at once withdraws, which takes it from the public at
# once and can be undone; the purge follows when the takedown is confirmed.
PURGE_NEEDS = Role.ADMIN
REASON_LENGTH = 500  # characters kept of a purge's reason in the audit log
PURGED_RELATION = "relation to a purged document removed"  # the revision it leaves elsewhere


def purge_reason(given: str) -> str:
    """The reason as the audit log keeps it; Refused when there is none or it is too long.
    It is all the log keeps besides the id and who: say why, not what the document said."""
    reason = " ".join(given.split())
    if not reason:
        raise Refused("a purge needs a reason (--reason), e.g. 'court order 2026-114'")
    if len(reason) > REASON_LENGTH:
        raise Refused(f"the reason is at most {REASON_LENGTH} characters")
    return reason
