"""The editorial workspace: what the dashboard lists for a logged-in account, a document as
the workspace shows it (its history and the steps the account may take), and those steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from chancery.domain.accounts import Role, User, actor_of, has_role
from chancery.domain.editing import Pending
from chancery.domain.history import HistoryEntry
from chancery.domain.publication import Actor, PublicationState
from chancery.domain.workflow import (
    EMBARGO_NEEDS,
    NEEDS,
    Acting,
    Refused,
    Step,
    actor_name,
    steps_from,
)
from chancery.services.clock import today
from chancery.services.editing import Editing
from chancery.services.publishing import DocumentHistory, Outcome, Publishing
from chancery.storage.interface import DocumentSummary

DASHBOARD_ROWS = 50  # rows per dashboard list; the workspace search will page the rest
EMBARGO_HORIZON = timedelta(days=30)  # "embargoes ending soon": within the next 30 days
EMBARGO = "embargo"  # the action that sets or clears an embargo, beside the workflow's steps
REVIEW = ("approve", "reject")  # the actions on a change waiting for review


class WorkspaceReads(Protocol):
    """What the workspace needs from the catalogue (storage/workspace.py)."""

    def in_state(self, state: PublicationState, actor: Actor, today: date,
                 limit: int) -> list[DocumentSummary]: ...
    def drafts_by(self, name: str, actor: Actor, today: date,
                  limit: int) -> list[DocumentSummary]: ...
    def in_review(self, actor: Actor, today: date,
                  limit: int) -> list[tuple[DocumentSummary, str | None, datetime | None]]: ...
    def embargo_ending(self, actor: Actor, today: date, last: date,
                       limit: int) -> list[tuple[DocumentSummary, date]]: ...


@dataclass(frozen=True)
class Waiting:
    """A document waiting for review: who sent it there and when (None: imported so)."""

    document: DocumentSummary
    sent_by: str | None
    sent_at: datetime | None
    change: bool = False  # a change to a published document, not the document itself


@dataclass(frozen=True)
class Dashboard:
    """The three lists of the dashboard; ``in_review`` is None for an account that does not
    review (an editor), so the page leaves the section out."""

    drafts: list[DocumentSummary]
    in_review: list[Waiting] | None
    embargoes: list[tuple[DocumentSummary, date]]


def list_drafts(reads: WorkspaceReads, user: User,
                limit: int = DASHBOARD_ROWS) -> list[DocumentSummary]:
    """The account's own drafts: those whose first revision it wrote, or that it sent to
    review and got back. Drafts nobody in the workspace wrote (imported ones) are no one's:
    the workspace search lists every draft (state:draft). None for a non-staff account."""
    actor = actor_of(user)
    if actor is not Actor.EDITOR:
        return []
    return reads.drafts_by(actor_name(user.email), actor, today(), limit)


def dashboard(reads: WorkspaceReads, user: User, limit: int = DASHBOARD_ROWS,
              editing: Editing | None = None) -> Dashboard:
    """The dashboard's lists for this account; "waiting for review" holds the documents in
    review and then those with a change waiting (``editing``), each once."""
    actor, now = actor_of(user), today()
    if actor is not Actor.EDITOR:
        return Dashboard([], None, [])
    waiting = None
    if has_role(user.role, Role.REVIEWER):
        waiting = [Waiting(*row) for row in reads.in_review(actor, now, limit)]
        listed = {w.document.public_id for w in waiting}
        waiting += [Waiting(d, by, at, change=True) for d, by, at in
                    (editing.waiting(limit) if editing else []) if d.public_id not in listed]
    return Dashboard(list_drafts(reads, user, limit), waiting,
                     reads.embargo_ending(actor, now, now + EMBARGO_HORIZON, limit))


@dataclass(frozen=True)
class WorkspaceDocument:
    """A document as its workspace page shows it."""

    history: DocumentHistory
    steps: list[Step]  # the steps this account may take from the document's state
    may_embargo: bool
    submitted: HistoryEntry | None  # the revision that last sent it to review
    # a change waiting for review, with its field diff ({field: [published, proposed]})
    pending: tuple[Pending, dict[str, list[object]]] | None = None
    may_review: bool = False  # whether this account may approve or reject it


def document(publishing: Publishing, user: User, ident: str,
             editing: Editing | None = None) -> WorkspaceDocument | None:
    """A document with its history, the change waiting for review on it, and what the
    account may do with it; None if unknown."""
    found = publishing.history(ident)
    if found is None:
        return None
    acting = Acting.of(user)
    steps = [s for s in steps_from(found.publication.state) if acting.may(NEEDS[s])]
    sent = [e for e in found.entries
            if e.step is not None and e.step.to_state is PublicationState.IN_REVIEW]
    pending = editing.pending(found.public_id) if editing else None
    return WorkspaceDocument(found, steps, acting.may(EMBARGO_NEEDS), sent[-1] if sent else None,
                             pending, acting.may(Role.REVIEWER))


def review_change(editing: Editing, user: User, ident: str, action: str,
                  form: dict[str, str]) -> Outcome:
    """Approve or reject the change waiting on a document, as a workspace form asks.
    PermissionError for a role that does not review; what editing refuses is in the outcome."""
    acting, comment = Acting.of(user), form.get("comment", "")
    if not acting.may(Role.REVIEWER):
        raise PermissionError(f"{acting.name} is not a reviewer; approving or rejecting a "
                              "change is for a reviewer or an admin")
    try:
        if action == "approve":  # the form shows the proposed note: what it sends is the note
            done = editing.approve(ident, acting, comment, note=form.get("note"))
        else:
            done = editing.reject(ident, acting, comment)
    except Refused as exc:
        return Outcome(refused=[(ident, exc.message)])
    return Outcome(changed=[done])


def take_action(publishing: Publishing, user: User, ident: str, action: str,
                form: dict[str, str]) -> Outcome:
    """A step or an embargo asked for by a workspace form. PermissionError when the
    account's role does not take it; LookupError for an action there is not; Refused for a
    date that is not one. What the workflow refuses is in the outcome."""
    acting, comment = Acting.of(user), form.get("comment", "")
    step = _step(action)
    try:
        acting.check(f"to {action}" if step else "setting or clearing an embargo",
                     NEEDS[step] if step else EMBARGO_NEEDS)
    except Refused as exc:
        raise PermissionError(exc.message) from None
    if step is None:
        return publishing.set_embargo([ident], _until(form), acting, comment)
    return publishing.take_step([ident], step, acting, comment)


def _step(action: str) -> Step | None:
    """The workflow step an action names; None for the embargo; LookupError otherwise."""
    if action == EMBARGO:
        return None
    try:
        return Step(action)
    except ValueError:
        raise LookupError(action) from None


def _until(form: dict[str, str]) -> date | None:
    """The embargo's end from the form (None: clear it)."""
    if form.get("clear"):
        return None
    try:
        return date.fromisoformat(form.get("until", "").strip())
    except ValueError:
        raise Refused("give the day the embargo ends as a date (YYYY-MM-DD)") from None
