"""A document's history as the workspace shows it: each revision with who, when (UTC), why,
the workflow step it made, the public note it gave, and its field-level diff; and a revert
to any revision asked for by the history page's form, through the same path as `chancery
revert` (services/publishing: the role revert_needs, a correction readers are told of when
the document is public)."""

from __future__ import annotations

from dataclasses import dataclass

from chancery.domain.accounts import Role, User
from chancery.domain.field_diffs import FieldDiff, field_diffs
from chancery.domain.history import HistoryEntry
from chancery.domain.publication import is_public
from chancery.domain.workflow import Acting, Refused, revert_needs
from chancery.services.clock import today
from chancery.services.publishing import DocumentHistory, Publishing

PER_PAGE = 25  # revisions a page, newest first: a document re-imported for years has hundreds
MAX_PAGE = 10_000


@dataclass(frozen=True)
class ShownRevision:
    """A revision and the rows of its diff."""

    entry: HistoryEntry
    fields: list[FieldDiff]


@dataclass(frozen=True)
class HistoryPage:
    """One page of a document's history and what the account may do from it."""

    history: DocumentHistory
    revisions: list[ShownRevision]  # this page's, newest first
    page: int
    pages: int
    may_revert: bool  # whether this account's role reverts the document in its state
    revert_role: Role  # the role a revert needs in that state (the page says so)

    @property
    def is_public_change(self) -> bool:
        """Whether a revert changes what readers see today (the form then asks for the
        public note of the correction)."""
        return is_public(self.history.publication, today())


def history_page(publishing: Publishing, user: User, ident: str,
                 page: int = 1) -> HistoryPage | None:
    """A page of the document's history; None for a document there is not; Refused for a
    page there is not."""
    found = publishing.history(ident)
    if found is None:
        return None
    total = len(found.entries)
    pages = max(1, -(-total // PER_PAGE))
    if not 1 <= page <= min(pages, MAX_PAGE):
        raise Refused(f"there is no page {page} of this history (it has {pages})")
    newest = list(reversed(found.entries))[(page - 1) * PER_PAGE:page * PER_PAGE]
    return HistoryPage(found, [ShownRevision(e, field_diffs(e.changes)) for e in newest],
                       page, pages, may_revert(user, found), revert_needs(found.publication.state))


def may_revert(user: User, found: DocumentHistory) -> bool:
    """Whether the account's role reverts the document in its state."""
    return Acting.of(user).may(revert_needs(found.publication.state))


def revert_from_form(publishing: Publishing, user: User, ident: str,
                     form: dict[str, str]) -> str:
    """Revert the document to the revision the form names, with its comment and (for a
    public document) its public note; returns the public id. PermissionError for a role
    that may not revert the document in its state; Refused for a form that is not right or
    a revert there is nothing to do for."""
    acting = Acting.of(user)
    found = publishing.history(ident)
    if found is None:
        raise Refused("no such document")
    needed = revert_needs(found.publication.state)
    try:
        acting.check(f"reverting a document that is {found.publication.state.value}", needed)
    except Refused as exc:
        raise PermissionError(exc.message) from None
    number = _number(form.get("revision", ""))
    note = form.get("note") if is_public(found.publication, today()) else None
    return publishing.revert(found.public_id, number, acting, form.get("comment", ""), note)


def _number(text: str) -> int:
    try:
        return int(text.strip()[:12])
    except ValueError:
        raise Refused("name the revision to revert to by its number") from None
