"""Suggested metadata in the workspace: a document's suggestions for the staff, and an
editor's decision on each (accept, correct, reject), or on all of one kind at once.

An accepted suggestion becomes a field of the record through services/editing, like any edit
by hand: a draft changes at once, a published document gets a pending revision that a
reviewer approves before the public reads it. The revision says which suggestion it took
("from suggestion: date 18 Jul 63, 0.92, stage date/1"). Nothing is public by being
suggested: no public channel reads the suggestions table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chancery.domain.accounts import Role
from chancery.domain.authorities import Role as LinkRole
from chancery.domain.authorities import fold
from chancery.domain.documents import Document
from chancery.domain.editing import Invalid
from chancery.domain.publication import Actor, PublicationState
from chancery.domain.records import Record
from chancery.domain.suggestion_fields import LINKED, ORDER, Suggestion, changes, note
from chancery.domain.suggestions import SINGLE, Decision, Finding, Kind
from chancery.domain.workflow import Acting, Refused
from chancery.services.clock import today, utc_now
from chancery.services.editing import Editing, NotFound, Saved
from chancery.services.editor import Candidate
from chancery.services.publishing import AuditLog
from chancery.storage.interface import Catalogue, StoredDocument

# the authority records a spelling may name, of the kinds a role takes (Editor.authorities)
FindAuthorities = Callable[[str, LinkRole | None], list[Candidate]]


class SuggestionStore(Protocol):
    """Where suggestions are kept (storage/suggestions.py)."""

    def store(self, document_id: int, findings: Sequence[Finding]) -> int: ...
    def of_document(self, document_id: int) -> list[Suggestion]: ...
    def decide(self, ids: Sequence[int], decision: Decision, by: str, at: datetime,
               corrected: str = "") -> list[int]: ...


@dataclass(frozen=True)
class KindGroup:
    """The suggestions of one kind: those waiting for a decision, surest first, and those
    decided."""

    kind: Kind
    open: list[Suggestion]
    decided: list[Suggestion]

    @property
    def may_take_all(self) -> bool:
        """Whether "Accept all" makes sense: a list, or a field with one suggestion."""
        return len(self.open) == 1 or (len(self.open) > 1 and self.kind not in SINGLE)


@dataclass(frozen=True)
class Suggested:
    """A document's suggestions as the workspace shows them."""

    document: Document  # as editors read it (the scans beside the suggestions)
    groups: list[KindGroup]

    @property
    def public_id(self) -> str:
        """The document's public id."""
        return self.document.public_id

    @property
    def state(self) -> PublicationState:
        """The document's publication state."""
        return self.document.publication.state

    @property
    def waits_for_review(self) -> bool:
        """Whether an accepted suggestion becomes a pending change (a published document)."""
        return self.state is PublicationState.PUBLISHED

    @property
    def open_count(self) -> int:
        """How many suggestions wait for a decision."""
        return sum(len(g.open) for g in self.groups)


@dataclass(frozen=True)
class Decided:
    """What a decision did: the suggestions it decided, and the save it made (None for a
    rejection)."""

    ids: list[int]
    saved: Saved | None


class AlreadyDecided(Refused):
    """Someone decided on the suggestion before this decision came in."""


class SuggestionReview:
    """Suggestions over the catalogue, their store and the editing service."""

    def __init__(self, catalogue: Catalogue, suggestions: SuggestionStore, editing: Editing,
                 find_authorities: FindAuthorities, audit: AuditLog) -> None:
        self.catalogue, self.suggestions, self.editing = catalogue, suggestions, editing
        self.find_authorities, self.audit = find_authorities, audit

    def store(self, document_id: int, findings: Sequence[Finding]) -> int:
        """Replace the document's open suggestions with these findings (a suggest stage's
        result), leaving out what an editor already accepted, corrected or rejected; how
        many are open now. Idempotent: the same findings twice leave the same state."""
        return self.suggestions.store(document_id, findings)

    def suggested(self, ident: str, actor: Acting) -> Suggested:
        """A document's suggestions, grouped by kind; for the staff only."""
        actor.check("reading suggestions", Role.EDITOR)
        stored = self._document(ident)
        every = self.suggestions.of_document(stored.id)
        groups = [KindGroup(k, [s for s in every if s.finding.kind is k and s.is_open],
                            [s for s in every if s.finding.kind is k and not s.is_open])
                  for k in ORDER]
        return Suggested(stored.document, [g for g in groups if g.open or g.decided])

    def decide(self, ident: str, suggestion_id: int, decision: Decision, actor: Acting,
               corrected: str = "") -> Decided:
        """Accept, correct (with ``corrected`` in place of the suggested value) or reject one
        suggestion. Refused (nothing changed) when it cannot be taken as it stands."""
        actor.check("deciding on suggestions", Role.EDITOR)
        stored = self._document(ident)
        chosen = [s for s in self.suggestions.of_document(stored.id) if s.id == suggestion_id]
        if not chosen:
            raise NotFound(f"this document has no suggestion {suggestion_id}")
        if decision is Decision.CORRECTED and not corrected.strip():
            raise Refused("give the value to put in the suggestion's place")
        if decision is Decision.CORRECTED and _folded(corrected) == _folded(chosen[0].finding.value):
            decision, corrected = Decision.ACCEPTED, ""  # the value left as suggested
        return self._decide(stored, chosen, decision, actor, corrected.strip())

    def decide_kind(self, ident: str, kind: Kind, decision: Decision,
                    actor: Acting) -> Decided:
        """Accept or reject every open suggestion of one kind, in one revision."""
        actor.check("deciding on suggestions", Role.EDITOR)
        if decision not in (Decision.ACCEPTED, Decision.REJECTED):
            raise Refused("all of a kind are accepted or rejected; correct them one by one")
        stored = self._document(ident)
        chosen = [s for s in self.suggestions.of_document(stored.id)
                  if s.finding.kind is kind and s.is_open]
        if not chosen:
            raise Refused(f"no {kind.value} suggestion is waiting for a decision")
        if decision is Decision.ACCEPTED and kind in SINGLE and len(chosen) > 1:
            raise Refused(f"{len(chosen)} values are suggested for the {kind.value}, which has "
                          "one: accept the right one, or correct it")
        return self._decide(stored, chosen, decision, actor)

    def _decide(self, stored: StoredDocument, chosen: list[Suggestion], decision: Decision,
                actor: Acting, corrected: str = "") -> Decided:
        decided = [s for s in chosen if not s.is_open]
        if decided:
            s = decided[0]
            raise AlreadyDecided(f"{s.decided_by} has {s.decision.value} this suggestion "
                                 "already")
        public_id = stored.document.public_id
        saved = None
        if decision is not Decision.REJECTED:
            saved = self._take(public_id, chosen, actor, corrected)
        ids = self.suggestions.decide([s.id for s in chosen], decision, actor.name, utc_now(),
                                      corrected)
        self.audit(actor.audit_name, "suggestion", public_id, summary=note(chosen, corrected),
                   decision=decision.value, suggestions=ids, **dict(actor.via))
        return Decided(ids, saved)

    def _take(self, public_id: str, chosen: list[Suggestion], actor: Acting,
              corrected: str) -> Saved:
        """Make the chosen suggestions fields of the record, as one edit."""
        record, seen, _ = self.editing.draft_of(public_id, actor)
        wanted: Record = {}
        for s in chosen:
            key = self._named(corrected, s.finding.kind) if corrected else ""
            change = changes({**record, **wanted}, s.finding, corrected, key)
            wanted.update(change)
        scans = wanted.pop("media", None)
        try:
            return self.editing.edit(public_id, wanted, actor, seen, note(chosen, corrected),
                                     scans=scans)
        except Invalid as exc:  # a date that reads as none, a record merged away since
            raise Refused("the suggestion does not fit the record: "
                          + "; ".join(exc.errors.values())) from None

    def _named(self, typed: str, kind: Kind) -> str:
        """The record a corrected name means: its key typed, or the one record spelled so;
        "" (a new record) when none is. Refused when several are."""
        if kind not in LINKED:
            return ""
        found = self.find_authorities(typed, LINKED[kind][0])
        if any(c.key == typed for c in found):
            return typed
        same = [c for c in found if fold(typed) in {fold(n) for n in (c.name, *c.names)}]
        if len(same) > 1:
            raise Refused(f"{len(same)} records are named “{typed}”: type the key of the one "
                          "meant (" + ", ".join(c.key for c in same) + ")")
        return same[0].key if same else ""

    def _document(self, ident: str) -> StoredDocument:
        stored = self.catalogue.get_document(ident, Actor.EDITOR, today())
        if stored is None:
            raise NotFound(f"no document {ident!r} (give a public id or a source id)")
        return stored


def _folded(text: str) -> str:
    return " ".join(text.split())
