"""Editing documents by hand: a new draft, a change to a draft written at once, a change to a
published document kept as a pending revision until a reviewer approves it (the public keeps
the published version meanwhile), every save checked field by field and against what the
editor read (optimistic locking), and left in the history with its field-level diff."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from chancery.domain.accounts import Role
from chancery.domain.authorities import Authority
from chancery.domain.corrections import correction_note, public_note
from chancery.domain.documents import Document, public_id_for
from chancery.domain.editing import (
    Conflict,
    Invalid,
    NewAuthority,
    Pending,
    checked,
    diff,
    merged,
    same_moment,
    stamp,
)
from chancery.domain.publication import Actor, PublicationState
from chancery.domain.records import Record, content_hash, document_from_record, document_record
from chancery.domain.revisions import Revision
from chancery.domain.workflow import Acting, Refused
from chancery.services.authorities import AuthorityResolver, PhoneticKey, VariantMaker
from chancery.services.clock import today, utc_now
from chancery.services.publishing import AuditLog, EditorialStore
from chancery.storage.interface import (
    Catalogue,
    DocumentSummary,
    DocumentWrite,
    LinkWrite,
    StoredDocument,
)

__all__ = ["Conflict", "Editing", "Invalid", "NotFound", "Saved"]

# marks a pending revision whose scans the editor changed (the workspace editor's scans
# list): approving it takes its scans, where other pending revisions keep the stored ones
SCANS_CHANGED = "scans_changed"


class NotFound(Refused):
    """No document by that id."""


class PendingStore(Protocol):
    """Pending revisions and the lookups editing needs (storage/pending.py)."""

    def pending(self, document_id: int) -> Pending | None: ...
    def propose(self, document_id: int, record: Record, author: str, comment: str,
                seen: datetime | None, at: datetime, content_hash: str = "",
                check: bool = True, note: str | None = None) -> None: ...
    def apply(self, write: DocumentWrite, seen: datetime | None) -> None: ...
    def discard(self, document_id: int, revision: Revision) -> bool: ...
    def waiting(self, limit: int) -> list[tuple[DocumentSummary, str, datetime]]: ...
    def last_change(self, document_id: int) -> tuple[str, datetime | None]: ...
    def collection_keys(self, keys: Iterable[str]) -> set[str]: ...
    def authority_ids(self, keys: Iterable[str]) -> dict[str, int]: ...
    def authority_keys(self, ids: Iterable[int]) -> dict[int, str]: ...


@dataclass(frozen=True)
class Saved:
    """A save that went through: the document, whether it waits for review, and the stamp to
    send back with the next save."""

    public_id: str
    pending: bool
    updated_at: datetime


@dataclass(frozen=True)
class Names:
    """How new authority records are named and matched (the import's rules)."""

    make_variants: VariantMaker
    phonetic: PhoneticKey


class Editing:
    """The editing use cases over the catalogue, the editorial store and pending revisions."""

    def __init__(self, catalogue: Catalogue, editorial: EditorialStore, pending: PendingStore,
                 names: Names, allow_self_approval: bool, audit: AuditLog) -> None:
        self.catalogue, self.editorial, self.store = catalogue, editorial, pending
        self.names, self.allow_self_approval, self.audit = names, allow_self_approval, audit

    def draft_of(self, ident: str, actor: Acting) -> tuple[Record, datetime | None, bool]:
        """The record to edit (the pending revision's, if any), the stamp to send back with
        the save, and whether it is a pending revision."""
        actor.check("editing a document", Role.EDITOR)
        stored = self._document(ident)
        waiting = self.store.pending(stored.id)
        if waiting is not None:
            record = {k: v for k, v in waiting.record.items() if k != SCANS_CHANGED}
            return record, waiting.updated_at, True
        return document_record(stored.document), stamp(stored.updated_at), False

    def pending(self, ident: str) -> tuple[Pending, dict[str, list[Any]]] | None:
        """The pending revision of a document and its diff against the published record."""
        stored = self._document(ident)
        waiting = self.store.pending(stored.id)
        if waiting is None:
            return None
        # both sides as a stored record reads back, so the reviewer sees what approving
        # changes and nothing the form merely spells otherwise (an empty classification)
        applied = document_record(document_from_record(self._applied(stored, waiting)))
        return waiting, diff(document_record(stored.document), applied)

    def waiting(self, limit: int) -> list[tuple[DocumentSummary, str, datetime]]:
        """Documents with a pending revision, longest waiting first."""
        return self.store.waiting(limit)

    def edit(self, ident: str, changes: Record, actor: Acting, seen: datetime | None,
             comment: str = "", scans: list[Record] | None = None,
             note: str | None = None) -> Saved:
        """Make the changes (a partial document record) and, when given, set the scans (media
        records of files already checked and stored). Invalid (nothing stored) when a field
        is not right; Conflict when the document changed since ``seen``. ``note``: the public
        note proposed for a published document's correction (None: keep any proposed; a
        draft's change is no correction, so it has none)."""
        actor.check("editing a document", Role.EDITOR)
        note = public_note(note)
        stored = self._document(ident)
        waiting = self.store.pending(stored.id)
        base = waiting.record if waiting else document_record(stored.document)
        record, errors = merged(base, changes)
        if scans is not None:
            record = {**record, "media": scans, SCANS_CHANGED: True}
        record = self._valid(record, errors)
        self._lock(stored, waiting, seen)
        record = self._with_new_authorities(record)
        if waiting or stored.document.publication.state is PublicationState.PUBLISHED:
            return self._propose(stored, record, actor, seen, comment, note)
        return self._write_now(stored, record, actor, seen, comment)

    def create(self, record: Record, actor: Acting, comment: str = "",
               scans: list[Record] | None = None) -> Saved:
        """A new draft from a record (and scans already checked and stored); Invalid
        (nothing stored) when a field is not right."""
        actor.check("making a document", Role.EDITOR)
        merged_, errors = merged({}, record)
        valid = self._with_new_authorities(self._valid(merged_, errors))
        public_id = public_id_for(f"chancery:{uuid.uuid4()}")
        doc = document_from_record({**valid, "public_id": public_id, "media": scans or [],
                                    "publication": {"state": PublicationState.DRAFT.value}})
        at = utc_now()
        said = _said("made by hand", comment)
        write = DocumentWrite(doc, self._link_writes(doc), content_hash(doc, []),
                              Revision(at, actor.name, said, diff({}, document_record(doc))))
        with self.catalogue.session() as session:
            failures = session.write_documents([write])
        if failures:
            raise Refused(f"not stored: {failures[public_id]}")
        self.audit(actor.audit_name, "create", public_id, summary=said, **dict(actor.via))
        return Saved(public_id, False, at)

    def approve(self, ident: str, actor: Acting, comment: str = "",
                seen: datetime | None = None, note: str | None = None) -> str:
        """Apply the pending revision as a new revision (four eyes: not by its authors unless
        the archive allows); Conflict when it changed since ``seen`` (None: not checked).
        A change to a document the public reads is a correction it is told of, with the
        reviewer's ``note`` ("" for none), or else the one its editors proposed."""
        actor.check("approving a change", Role.REVIEWER)
        note = public_note(note)
        stored = self._document(ident)
        waiting = self._waiting(stored)
        if actor.name in waiting.authors and not self.allow_self_approval:
            raise Refused(f"{actor.name} made this change, so someone else must approve it "
                          "(four eyes; the setting allow_self_approval lifts this)")
        new = document_from_record(self._applied(stored, waiting))
        said = _said(_said("edited", waiting.comment) + f"; approved by {actor.name}", comment)
        changes = diff(document_record(stored.document), document_record(new))
        digest = waiting.content_hash or self.editorial.content_hash(stored.id)
        told = correction_note(stored.document.publication, today(), changes,
                               waiting.public_note if note is None else note)
        self.store.apply(DocumentWrite(new, self._link_writes(new), digest,
                                       Revision(utc_now(), waiting.author, said, changes, told),
                                       stored.id), seen)
        self.audit(actor.audit_name, "approve", new.public_id, summary=said, **dict(actor.via))
        return new.public_id

    def reject(self, ident: str, actor: Acting, comment: str) -> str:
        """Discard the pending revision; the comment (needed) stays in the history."""
        actor.check("rejecting a change", Role.REVIEWER)
        if not comment.strip():
            raise Refused("rejecting a change needs a comment (--comment) saying why")
        stored = self._document(ident)
        waiting = self._waiting(stored)
        said = f"change by {waiting.author} rejected: {comment.strip()}"
        self.store.discard(stored.id, Revision(utc_now(), actor.name, said))
        public_id = stored.document.public_id
        self.audit(actor.audit_name, "reject", public_id, summary=said, **dict(actor.via))
        return public_id

    # the steps of a save

    def _document(self, ident: str) -> StoredDocument:
        stored = self.catalogue.get_document(ident, Actor.EDITOR, today())
        if stored is None:
            raise NotFound(f"no document {ident!r} (give a public id or a source id)")
        return stored

    def _waiting(self, stored: StoredDocument) -> Pending:
        waiting = self.store.pending(stored.id)
        if waiting is None:
            raise Refused("no change is waiting for review on this document")
        return waiting

    def _valid(self, record: Record, errors: dict[str, str]) -> Record:
        """The record checked field by field, against the catalogue too; Invalid if not."""
        out, new, more = checked(record)
        errors = {**errors, **more}
        errors.update(self._unknown_names(out, new))
        if errors:
            raise Invalid(errors)
        out["_new"] = new
        return out

    def _unknown_names(self, record: Record, new: list[NewAuthority]) -> dict[str, str]:
        errors: dict[str, str] = {}
        creating = {n.index for n in new}
        keys = [lk["ref"] for i, lk in enumerate(record.get("links") or []) if i not in creating]
        known = self.store.authority_ids(keys)
        for i, lk in enumerate(record.get("links") or []):
            if i not in creating and lk["ref"] and lk["ref"] not in known:
                errors[f"links.{i}.ref"] = (f"no authority record {lk['ref']!r}; pick one, or "
                                            "give a name and kind to make one")
        wanted = [m["key"] for m in record.get("collections") or []]
        found = self.store.collection_keys(wanted)
        for i, key in enumerate(wanted):
            if key not in found:
                errors[f"collections.{i}"] = f"no collection {key!r}"
        for i, r in enumerate(record.get("relations") or []):
            if not _external(r["target"]) and self.catalogue.get_document(
                    r["target"], Actor.EDITOR, today()) is None:
                errors[f"relations.{i}.target"] = (
                    f"no document {r['target']!r}; give a document's id, or another "
                    "archive's id with its prefix (frus1958-60v19/d3, https://…)")
        return errors

    def _with_new_authorities(self, record: Record) -> Record:
        """The record with the authority records its links ask for made, named by key."""
        new: list[NewAuthority] = record.pop("_new", [])
        if not new:
            return record
        with self.catalogue.session() as session:
            resolver = AuthorityResolver(session, self.names.make_variants, self.names.phonetic)
            made = {}
            for n in new:
                a = self.names.make_variants(Authority(n.kind, n.name, description=""))
                made[n.index] = session.create_authority(a, resolver.name_rows(a))
        keys = self.store.authority_keys(made.values())
        links = [dict(lk) for lk in record["links"]]
        for index, authority_id in made.items():
            links[index]["ref"] = keys[authority_id]
        return {**record, "links": links}

    def _lock(self, stored: StoredDocument, waiting: Pending | None,
              seen: datetime | None) -> None:
        """Conflict when what the editor read is no longer what is stored."""
        if waiting is not None and not same_moment(waiting.updated_at, seen):
            raise Conflict(waiting.author, waiting.updated_at)
        if waiting is None and not same_moment(stored.updated_at, seen):
            raise Conflict(*self.store.last_change(stored.id))

    def _propose(self, stored: StoredDocument, record: Record, actor: Acting,
                 seen: datetime | None, comment: str, note: str | None) -> Saved:
        at = utc_now()
        self.store.propose(stored.id, _kept(record, stored.document), actor.name, comment,
                           seen, at, note=note)
        said = _said("change proposed for review", comment)
        self.audit(actor.audit_name, "edit", stored.document.public_id, summary=said,
                   pending=True, **dict(actor.via))
        return Saved(stored.document.public_id, True, at)

    def _write_now(self, stored: StoredDocument, record: Record, actor: Acting,
                   seen: datetime | None, comment: str) -> Saved:
        new = document_from_record(_kept(record, stored.document))
        changes = diff(document_record(stored.document), document_record(new))
        if not changes:
            return Saved(stored.document.public_id, False, stamp(stored.updated_at) or utc_now())
        at, said = utc_now(), _said("edited", comment)
        write = DocumentWrite(new, self._link_writes(new), self.editorial.content_hash(stored.id),
                              Revision(at, actor.name, said, changes), stored.id)
        try:
            self.editorial.write(write, stored.updated_at, None)  # as read: checked above
        except Conflict:
            raise
        except Refused:  # another save got in between the check and the write
            raise Conflict(*self.store.last_change(stored.id)) from None
        self.audit(actor.audit_name, "edit", new.public_id, summary=said,
                   fields=sorted(changes), **dict(actor.via))
        return Saved(new.public_id, False, at)

    def _applied(self, stored: StoredDocument, waiting: Pending) -> Record:
        """The record the pending revision would make now: its fields, with the document's
        ids and publication as they stand (and its scans, unless an import or the editor's
        scans list brought others)."""
        record = _kept(waiting.record, stored.document)
        if not record.pop(SCANS_CHANGED, False) and not waiting.from_import:
            record["media"] = document_record(stored.document)["media"]
        return record

    def _link_writes(self, doc: Document) -> list[LinkWrite]:
        ids = self.store.authority_ids(lk.ref for lk in doc.links)
        return [LinkWrite(ids[lk.ref], lk.role, lk.as_written) for lk in doc.links]


def _kept(record: Record, doc: Document) -> Record:
    """The record with what an edit does not change taken from the stored document."""
    return {**record, "public_id": doc.public_id, "source_id": doc.source_id,
            "publication": document_record(doc)["publication"],
            "media": record.get("media", document_record(doc)["media"])}


def _external(target: str) -> bool:
    """Whether a relation names a document in another archive ("frus1958-60v19/d3",
    "https://…"), which need not be stored here."""
    return "/" in target or ":" in target


def _said(what: str, comment: str) -> str:
    return f"{what}: {comment.strip()}" if comment.strip() else what

