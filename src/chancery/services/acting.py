"""What an account does through an API token: workflow steps, embargoes, edits, the review of
a pending change, redactions and their removal. The token's scope and the account's role are
checked here (NotAllowed: HTTP 403); the change itself is the service's (publishing, editing,
redacting: four eyes and all), and each is written to the audit log marked via=api."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from chancery.domain.accounts import Role, has_role
from chancery.domain.publication import Publication
from chancery.domain.readers import Reader
from chancery.domain.records import Record
from chancery.domain.redactions import Redaction
from chancery.domain.tokens import EMBARGO_ROLE, Caller, may_embargo, may_take
from chancery.domain.workflow import Acting as Actor_
from chancery.domain.workflow import Refused, Step
from chancery.services.accounts import AccountStore
from chancery.services.clock import utc_now
from chancery.services.documents import show_document
from chancery.services.editing import Editing, Saved
from chancery.services.publishing import Outcome, Publishing
from chancery.services.redacting import (
    APPROVE_NEEDS,
    REDACT_NEEDS,
    REQUEST_NEEDS,
    Redacted,
    Redacting,
    Wanted,
)
from chancery.storage.interface import Catalogue


class NotAllowed(Exception):
    """The token or its account may not do this (HTTP 403); the message says why."""


class Unknown(Exception):
    """No document by that id (HTTP 404)."""


class Acting:
    """What a token's account may change, over publishing and the audit log."""

    def __init__(self, catalogue: Catalogue, publishing: Publishing, accounts: AccountStore,
                 clock: Callable[[], datetime] = utc_now, editing: Editing | None = None,
                 redacting: Redacting | None = None) -> None:
        self.catalogue, self.publishing = catalogue, publishing
        self.accounts, self.clock = accounts, clock
        self.editing, self.redacting = editing, redacting

    def draft(self, caller: Caller, ident: str) -> tuple[str, Record, datetime | None, bool]:
        """(public id, record to edit, stamp, pending) as services/editing's draft_of."""
        editing = self._editor(caller)
        public_id = self._public_id(caller, ident)
        return (public_id, *editing.draft_of(public_id, _acting(caller)))

    def create(self, caller: Caller, record: Record, comment: str) -> Saved:
        """A new draft from a record, made by the token's account."""
        return self._editor(caller).create(record, _acting(caller), comment)

    def edit(self, caller: Caller, ident: str, changes: Record, seen: datetime | None,
             comment: str, note: str | None = None) -> Saved:
        """Change a document as the token's account (Invalid, Conflict as editing's); ``note``
        the public note proposed for a published document's correction."""
        editing = self._editor(caller)
        public_id = self._public_id(caller, ident)
        return editing.edit(public_id, changes, _acting(caller), seen, comment, note=note)

    def approve_change(self, caller: Caller, ident: str, comment: str = "",
                       seen: datetime | None = None, note: str | None = None) -> str:
        """Apply the change waiting for review, as editing's approve (four eyes, Conflict
        when it changed since ``seen``, ``note`` the public note; None: the proposed one)."""
        editing = self._reviewer(caller, "approving a change")
        public_id = self._public_id(caller, ident)
        return editing.approve(public_id, _acting(caller), comment, seen, note)

    def reject_change(self, caller: Caller, ident: str, comment: str) -> str:
        """Discard the change waiting for review; the comment (needed) stays in the history."""
        editing = self._reviewer(caller, "rejecting a change")
        return editing.reject(self._public_id(caller, ident), _acting(caller), comment)

    def redact(self, caller: Caller, ident: str, wanted: Wanted) -> Redacted:
        """Withhold what ``wanted`` names, at once (redacting's checks: Refused)."""
        redacting = self._redactor(caller, REDACT_NEEDS, "redacting")
        return redacting.redact(self._public_id(caller, ident), wanted, _acting(caller))

    def redactions(self, caller: Caller, ident: str) -> tuple[str, list[Redaction]]:
        """(public id, every redaction the document has had, oldest first): for the staff,
        by a token of either scope; the words withheld are in them."""
        _staff(caller, "the list of redactions")
        public_id = self._public_id(caller, ident)
        assert self.redacting is not None, "the composition root wires redacting in"
        return public_id, self.redacting.redactions(public_id)[1]

    def move_redaction(self, caller: Caller, ident: str, redaction_id: int, approve: bool,
                       comment: str = "") -> Redaction:
        """Ask for a redaction's removal (an editor's), or approve one asked for (a
        reviewer's, not the asker: four eyes); Refused for a redaction in another state."""
        needs = APPROVE_NEEDS if approve else REQUEST_NEEDS
        redacting = self._redactor(caller, needs, "approving a redaction's removal" if approve
                                   else "asking for a redaction's removal")
        public_id, acting = self._public_id(caller, ident), _acting(caller)
        if approve:
            return redacting.approve_removal(public_id, redaction_id, acting, comment)
        return redacting.request_removal(public_id, redaction_id, acting, comment)

    def _editor(self, caller: Caller) -> Editing:
        _writer(caller)
        _staff(caller, "editing")
        assert self.editing is not None, "the composition root wires editing in"
        return self.editing

    def _reviewer(self, caller: Caller, what: str) -> Editing:
        _writer(caller)
        _may(caller, Role.REVIEWER, what)
        assert self.editing is not None, "the composition root wires editing in"
        return self.editing

    def _redactor(self, caller: Caller, needs: Role, what: str) -> Redacting:
        _writer(caller)
        _may(caller, needs, what)
        assert self.redacting is not None, "the composition root wires redacting in"
        return self.redacting

    def take_step(self, caller: Caller, ident: str, step: Step, comment: str) -> Publication:
        """Take a workflow step on one document as the caller; its publication after.
        NotAllowed, Unknown, or Refused (the workflow's reason) otherwise."""
        _writer(caller)
        if not may_take(caller.user.role, step):
            raise NotAllowed(f"{step.value} is for a reviewer or an admin; this token's "
                             f"account is {caller.user.role.value}")
        public_id = self._public_id(caller, ident)
        done = self.publishing.take_step([public_id], step, _acting(caller), comment)
        return self._after(caller, done)

    def set_embargo(self, caller: Caller, ident: str, until: date | None,
                    comment: str = "") -> Publication:
        """Set (``until``) or clear (None) a document's embargo as the caller."""
        _writer(caller)
        if not may_embargo(caller.user.role):
            raise NotAllowed(f"embargoes are for a {EMBARGO_ROLE.value} or an admin; this "
                             f"token's account is {caller.user.role.value}")
        public_id = self._public_id(caller, ident)
        done = self.publishing.set_embargo([public_id], until, _acting(caller), comment)
        return self._after(caller, done)

    def _public_id(self, caller: Caller, ident: str) -> str:
        found = show_document(self.catalogue, ident, Reader.account(caller.user))
        if found is None:
            raise Unknown(ident)
        return found.document.public_id

    def _after(self, caller: Caller, done: Outcome) -> Publication:
        if done.refused:
            raise Refused(done.refused[0][1])
        public_id = done.changed[0]  # the workflow wrote the audit line, with how it came in
        found = show_document(self.catalogue, public_id, Reader.account(caller.user))
        assert found is not None  # it was just changed by an account that sees everything
        return found.document.publication


def _acting(caller: Caller) -> Actor_:
    """The token's account as the workflow's actor, marked as coming through the API."""
    return replace(Actor_.of(caller.user), via=(("via", "api"), ("token", caller.token_id)))


def _staff(caller: Caller, what: str) -> None:
    _may(caller, Role.EDITOR, what)


def _may(caller: Caller, needs: Role, what: str) -> None:
    """NotAllowed unless the token's account has ``needs`` or a higher role."""
    if not has_role(caller.user.role, needs):
        allowed = "an editor, a reviewer or an admin" if needs is Role.EDITOR else \
            f"a {needs.value} or an admin"
        raise NotAllowed(f"{what} is for {allowed}; this token's account is "
                         f"{caller.user.role.value}")


def _writer(caller: Caller) -> None:
    if not caller.may_write:
        raise NotAllowed("this token may only read; make a write token for changes")
