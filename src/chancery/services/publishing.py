"""Publishing: moving documents through the workflow, embargoes, history and revert.

Every change is written the way an import writes a document (a new change number, so the
search index catches up; ``was_public`` kept, so a withdrawn document keeps its tombstone)
and leaves a revision with its field-level diff, by whom, when and why."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Protocol

from chancery.domain.accounts import Role
from chancery.domain.collections import Membership
from chancery.domain.corrections import correction_note, public_note
from chancery.domain.documents import Document
from chancery.domain.history import HistoryEntry, values_at
from chancery.domain.publication import Actor, Publication
from chancery.domain.records import document_from_record, document_record
from chancery.domain.revisions import Revision
from chancery.domain.workflow import (
    EMBARGO_NEEDS,
    NEEDS,
    Acting,
    Refused,
    Step,
    WorkflowEvent,
    embargoed,
    last_submitter,
    next_state,
    revert_needs,
)
from chancery.services.clock import today, utc_now
from chancery.services.imports import diff_records
from chancery.storage.interface import Catalogue, DocumentWrite, LinkWrite, StoredDocument


class EditorialStore(Protocol):
    """What publishing needs from storage beyond the catalogue's reads."""

    def events(self, document_id: int) -> list[WorkflowEvent]:
        """The document's workflow steps, oldest first."""
        ...

    def history(self, document_id: int) -> list[HistoryEntry]:
        """Every revision of the document, oldest first, numbered from 1, with its step."""
        ...

    def content_hash(self, document_id: int) -> str:
        """The content hash stored with the document."""
        ...

    def write(self, write: DocumentWrite, seen: datetime | None,
              event: WorkflowEvent | None) -> None:
        """Store an editorial change whole, with its step; Refused when the document changed
        since it was read."""
        ...

    def collection_titles(self, limit: int) -> dict[str, str]:
        """Collections by key (up to ``limit``, in key order), with their titles."""
        ...

    def has_collection(self, key: str) -> bool:
        """Whether a collection has this key."""
        ...


class AuditLog(Protocol):
    """The audit log's writer (Accounts.record): one line per change, by whom."""

    def __call__(self, actor: str, action: str, subject: str = "", **detail: object) -> None: ...


@dataclass
class Outcome:
    """What a command did to the documents it was given: which changed, which were refused
    and why."""

    changed: list[str] = field(default_factory=list)  # public ids
    refused: list[tuple[str, str]] = field(default_factory=list)  # (id as given, reason)


@dataclass(frozen=True)
class DocumentHistory:
    """A document's publication now and every revision it went through."""

    public_id: str
    title: str
    publication: Publication
    entries: list[HistoryEntry]
    document: Document  # the record as it stands, for a summary beside the history


class Publishing:
    """The editorial use cases, over the catalogue and the editorial store."""

    def __init__(self, catalogue: Catalogue, store: EditorialStore,
                 allow_self_approval: bool, audit: AuditLog,
                 changed: Callable[[str, str], None] = lambda public_id, title: None) -> None:
        self.catalogue = catalogue
        self.store = store
        self.allow_self_approval = allow_self_approval
        self.audit = audit
        self.changed = changed  # told (public id, title before) that what readers see changed

    def take_step(self, idents: Iterable[str], step: Step, actor: Acting,
                  comment: str = "") -> Outcome:
        """Submit, publish, withdraw, reinstate or send back each document, where allowed;
        Refused, before anything changes, when the actor's role does not take this step."""
        actor.check(f"to {step.value}", NEEDS[step])
        return self._each(idents, lambda stored: self._step(stored, step, actor, comment))

    def set_embargo(self, idents: Iterable[str], until: date | None, actor: Acting,
                    comment: str = "") -> Outcome:
        """Set an embargo (public from ``until`` on) or clear it (None) on each document;
        Refused, before anything changes, for a role that may not."""
        actor.check("setting or clearing an embargo", EMBARGO_NEEDS)

        def change(stored: StoredDocument) -> None:
            doc = stored.document
            new = replace(doc, publication=embargoed(doc.publication, until, today()))
            said = f"embargo until {until.isoformat()}" if until else "embargo cleared"
            self._write(stored, new, actor, "embargo", _summary(said, comment), None)
        return self._each(idents, change)

    def add_to_collection(self, idents: Iterable[str], key: str, actor: Acting,
                          comment: str = "") -> Outcome:
        """Put each document in a collection, last in its list of collections. What readers
        see changes with it, so as for a revert: an editor's while a document is a draft or
        in review, a reviewer's once it is published or withdrawn (refused per document).
        Refused as a whole for an unknown collection."""
        actor.check("adding documents to a collection", Role.EDITOR)
        if not self.store.has_collection(key):
            raise Refused(f"there is no collection {key!r}")

        def change(stored: StoredDocument) -> None:
            doc = stored.document
            actor.check(f"changing a document that is {doc.publication.state.value}",
                        revert_needs(doc.publication.state))
            if any(m.collection_key == key for m in doc.collections):
                raise Refused(f"it is in {key} already")
            new = replace(doc, collections=(*doc.collections, Membership(key, len(doc.collections))))
            self._write(stored, new, actor, "collection-add",
                        _summary(f"added to collection {key}", comment), None)
        return self._each(idents, change)

    def collection_choices(self, limit: int = 500) -> dict[str, str]:
        """Collections a document may be added to, by key, with their titles (the first
        ``limit`` in key order: a form offers them, any other key may be typed)."""
        return self.store.collection_titles(limit)

    def history(self, ident: str) -> DocumentHistory | None:
        """A document's publication and revisions, by public or source id."""
        stored = self.catalogue.get_document(ident, Actor.EDITOR, today())
        if stored is None:
            return None
        doc = stored.document
        return DocumentHistory(doc.public_id, doc.title, doc.publication,
                               self.store.history(stored.id), doc)

    def revert(self, ident: str, number: int, actor: Acting, comment: str = "",
               note: str | None = None) -> str:
        """Write the field values a document had after revision ``number`` back, as a new
        revision; returns its public id. Publication stays as it is (that is the workflow's).
        Reverting a document the public reads is a correction it is told of, with ``note``."""
        note = public_note(note)
        stored = self._document(ident)
        actor.check(f"reverting a document that is {stored.document.publication.state.value}",
                    revert_needs(stored.document.publication.state))
        record = document_record(stored.document)
        then = values_at(record, self.store.history(stored.id), number)
        try:
            new = document_from_record({**record, **then})
        except (KeyError, ValueError, TypeError) as exc:
            raise Refused(f"revision {number} cannot be restored: {exc}") from None
        self._write(stored, new, actor, "revert",
                    _summary(f"reverted to revision {number}", comment), None, note)
        return stored.document.public_id

    def _document(self, ident: str) -> StoredDocument:
        stored = self.catalogue.get_document(ident, Actor.EDITOR, today())
        if stored is None:
            raise Refused("no such document (give a public id or a source id)")
        return stored

    def _each(self, idents: Iterable[str],
              change: Callable[[StoredDocument], None]) -> Outcome:
        out = Outcome()
        for ident in dict.fromkeys(idents):
            try:
                stored = self._document(ident)
                change(stored)
            except Refused as exc:
                out.refused.append((ident, exc.message))
            else:
                out.changed.append(stored.document.public_id)
        return out

    def _step(self, stored: StoredDocument, step: Step, actor: Acting, comment: str) -> None:
        now = stored.document.publication
        target = next_state(step, now.state, actor.name, comment,
                            last_submitter(self.store.events(stored.id)),
                            self.allow_self_approval)
        new = replace(stored.document, publication=Publication(target, now.embargo_until))
        event = WorkflowEvent(utc_now(), actor.name, now.state, target, comment.strip())
        self._write(stored, new, actor, step.value, _summary(step.done, comment), event)

    def _write(self, stored: StoredDocument, new: Document, actor: Acting, action: str,
               summary: str, event: WorkflowEvent | None, note: str | None = None) -> None:
        """Store the change with its revision, then write it to the audit log. A change of a
        public document's fields is a correction the public is told of (domain/corrections:
        a step, an embargo or a collection is not)."""
        at = event.at if event else utc_now()
        changes = diff_records(stored.document, new, ())
        told = correction_note(stored.document.publication, today(), changes, note)
        revision = Revision(at, actor.name, summary, changes, told)
        links = [LinkWrite(la.authority.id, la.role, la.as_written) for la in stored.authorities]
        # the content hash stays that of the source as last imported: re-importing the
        # unchanged source is then "unchanged" and does not undo the editors' work
        write = DocumentWrite(new, links, self.store.content_hash(stored.id), revision, stored.id)
        self.store.write(write, stored.updated_at, event)
        self.audit(actor.audit_name, action, new.public_id, summary=summary, **dict(actor.via))
        self.changed(new.public_id, stored.document.title)


def _summary(said: str, comment: str) -> str:
    return f"{said}: {comment.strip()}" if comment.strip() else said

