"""Redacting: withholding words, fields, authority links and regions of a scan from the public.

Adding a redaction takes effect at once (an editor's call: taking something away is never
held for review); removing one is asked for by an editor and approved by a reviewer, four
eyes as the workflow's. Each change is one transaction with the document's revision (its
history says "Redacted …", never the words) and a new change number, so the search index and
every cache follow; then one line goes to the audit log (again without the words)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from chancery.domain.accounts import Role
from chancery.domain.media import MediaFile
from chancery.domain.publication import Actor
from chancery.domain.read_texts import withheld_read_words
from chancery.domain.redactions import (
    LINK_PREFIX,
    REDACTABLE_FIELDS,
    BadRedaction,
    Redaction,
    RedactionKind,
    RedactionState,
    occurrences,
    parse_box,
)
from chancery.domain.revisions import Revision
from chancery.domain.workflow import Acting, Refused
from chancery.services.clock import today, utc_now
from chancery.services.publishing import AuditLog
from chancery.storage.interface import Catalogue, StoredDocument

REDACT_NEEDS = Role.EDITOR  # taking words away is immediate and any editor's to take
REQUEST_NEEDS = Role.EDITOR
APPROVE_NEEDS = Role.REVIEWER  # giving them back is reviewed
MAX_REASON = 200
# the size of a scan's page in full-image pixels, for a box given in pixels (None: unknown)
PageSize = Callable[[MediaFile, int], tuple[int, int] | None]


class RedactionStore(Protocol):
    """What redacting needs from storage (storage/redacting.py)."""

    def store(self, document_id: int, r: Redaction, revision: Revision) -> int: ...
    def move(self, document_id: int, redaction_id: int, state: RedactionState,
             revision: Revision) -> None: ...
    def find(self, document_id: int, redaction_id: int) -> Redaction | None: ...
    def requested_by(self, redaction_id: int) -> str: ...
    def of_document(self, document_id: int, with_removed: bool = True) -> list[Redaction]: ...


@dataclass(frozen=True)
class Wanted:
    """A redaction as asked for: the words of a text version, a field (some of its words or
    all of it), an authority link, or a box on a page of the document's scans."""

    reason: str
    text: str = ""
    version: str = ""  # a text version's key ("en-original") or its language ("en")
    field: str = ""  # one of REDACTABLE_FIELDS
    link: str = ""  # an authority record's key
    page: int = 0  # a page of the document's scans, counted over all of them from 1
    box: str = ""  # "x,y,w,h" in full-image pixels or "pct:x,y,w,h"


@dataclass(frozen=True)
class Redacted:
    """A redaction made: its id, how often the words were found where it applies, and where
    else in the document they occur (which this redaction does not cover)."""

    public_id: str
    redaction: Redaction
    found: int
    elsewhere: list[tuple[str, int]] = field(default_factory=list)  # (where, how often)


class Redacting:
    """The redaction use cases over the catalogue and the redactions' store."""

    def __init__(self, catalogue: Catalogue, store: RedactionStore, allow_self_approval: bool,
                 audit: AuditLog, changed: Callable[[str], None] = lambda public_id: None,
                 page_size: PageSize | None = None) -> None:
        self.catalogue, self.store, self.audit = catalogue, store, audit
        self.allow_self_approval = allow_self_approval
        self.changed = changed  # told a document's public view changed (caches to drop)
        self.page_size = page_size

    def redact(self, ident: str, wanted: Wanted, actor: Acting) -> Redacted:
        """Withhold what ``wanted`` names, at once; Refused (nothing stored) when the role may
        not, the document, version, field, link or page is not there, or the words are not."""
        actor.check("redacting", REDACT_NEEDS)
        stored = self._document(ident)
        r, found, where = self._made(stored, wanted, actor)
        if any(_same(r, old) for old in stored.redactions):
            raise Refused(f"this is redacted already ({_what(r)})")
        summary = f"Redacted {_what(r)} ({r.reason})"
        new_id = self.store.store(stored.id, r, Revision(r.at or utc_now(), actor.name, summary))
        public_id = stored.document.public_id
        self.audit(actor.audit_name, "redact", public_id, redaction=new_id, kind=r.kind.value,
                   what=_what(r), field=r.field, reason=r.reason, **dict(actor.via))
        self.changed(public_id)
        made = Redaction(r.kind, r.reason, r.text, r.version, r.field, r.media, r.page, r.box,
                         r.by, r.at, new_id)
        return Redacted(public_id, made, found, _elsewhere(stored, r.text, where))

    def request_removal(self, ident: str, redaction_id: int, actor: Acting,
                        comment: str = "") -> Redaction:
        """Ask for a redaction to be lifted; it stays in force until a reviewer approves."""
        actor.check("asking for a redaction's removal", REQUEST_NEEDS)
        return self._move(ident, redaction_id, actor, RedactionState.ACTIVE,
                          RedactionState.REMOVAL_REQUESTED, comment)

    def approve_removal(self, ident: str, redaction_id: int, actor: Acting,
                        comment: str = "") -> Redaction:
        """Lift a redaction whose removal was asked for: the public reads the words again.
        Not by the person who asked (four eyes), unless the archive allows it."""
        actor.check("approving a redaction's removal", APPROVE_NEEDS)
        stored = self._document(ident)
        asked = self.store.requested_by(redaction_id)
        if asked and asked == actor.name and not self.allow_self_approval:
            raise Refused(f"{actor.name} asked for this removal, so someone else must approve "
                          "it (four eyes; the setting allow_self_approval lifts this)")
        return self._move(stored.document.public_id, redaction_id, actor,
                          RedactionState.REMOVAL_REQUESTED, RedactionState.REMOVED, comment)

    def redactions(self, ident: str) -> tuple[StoredDocument, list[Redaction]]:
        """A document as editors read it, with every redaction it has had (removed ones too),
        oldest first."""
        stored = self._document(ident)
        return stored, self.store.of_document(stored.id, with_removed=True)

    def _document(self, ident: str) -> StoredDocument:
        stored = self.catalogue.get_document(ident.strip(), Actor.EDITOR, today())
        if stored is None:
            raise Refused("no such document (give a public id or a source id)")
        return stored

    def _move(self, ident: str, redaction_id: int, actor: Acting, start: RedactionState,
              target: RedactionState, comment: str) -> Redaction:
        stored = self._document(ident)
        r = self.store.find(stored.id, redaction_id)
        if r is None:
            raise Refused(f"the document has no redaction {redaction_id} "
                          "(see `chancery redact ID --list`)")
        if r.state is not start:
            raise Refused(f"redaction {redaction_id} is {r.state.value}; this needs one that "
                          f"is {start.value}")
        said = ("Asked to lift" if target is RedactionState.REMOVAL_REQUESTED
                else "Lifted") + f" redaction {redaction_id} of {_what(r)}"
        summary = f"{said}: {comment.strip()}" if comment.strip() else said
        self.store.move(stored.id, redaction_id, target, Revision(utc_now(), actor.name, summary))
        action = "redaction-removal-requested" if target is RedactionState.REMOVAL_REQUESTED \
            else "redaction-removed"
        self.audit(actor.audit_name, action, stored.document.public_id, redaction=redaction_id,
                   comment=comment.strip(), **dict(actor.via))
        if target is RedactionState.REMOVED:
            self.changed(stored.document.public_id)
        return Redaction(r.kind, r.reason, r.text, r.version, r.field, r.media, r.page, r.box,
                         r.by, r.at, r.id, target)

    def _made(self, stored: StoredDocument, wanted: Wanted,
              actor: Acting) -> tuple[Redaction, int, str]:
        """The redaction to store, how often its words were found, and where ("" for a box
        or a link)."""
        reason = " ".join(wanted.reason.split())
        if not reason:
            raise Refused("give a reason (an exemption such as (b)(6), or privacy)")
        if len(reason) > MAX_REASON:
            raise Refused(f"a reason is at most {MAX_REASON} characters")
        base = Redaction(RedactionKind.TEXT, reason, " ".join(wanted.text.split()),
                         by=actor.name, at=utc_now())
        try:
            return _checked(stored, wanted, base, self.page_size)
        except BadRedaction as exc:
            raise Refused(str(exc)) from None


def _checked(stored: StoredDocument, wanted: Wanted, base: Redaction,
             page_size: PageSize | None) -> tuple[Redaction, int, str]:
    """The redaction ``wanted`` asks for, checked against the document; BadRedaction or
    Refused when it names what is not there."""
    chosen = [bool(wanted.version), bool(wanted.field), bool(wanted.link), bool(wanted.page)]
    if sum(chosen) != 1:
        raise Refused("say what to redact: a text version (with its words), a field, a link "
                      "or a page with a box, one at a time")
    if wanted.link:
        return _link(stored, base, wanted.link), 0, ""
    if wanted.page:
        return _box(stored, base, wanted, page_size), 0, ""
    if wanted.field:
        return _field(stored, base, wanted.field)
    return _text(stored, base, wanted.version)


def _text(stored: StoredDocument, base: Redaction, version: str) -> tuple[Redaction, int, str]:
    texts = stored.document.texts
    keys = [t.version_key for t in texts]
    chosen = [t for t in texts if t.version_key == version] or \
        [t for t in texts if t.language == version]
    if len(chosen) != 1:
        many = f"{len(chosen)} versions are in {version}" if chosen else f"no version {version!r}"
        raise Refused(f"{many}; give one of its versions by key: {', '.join(keys) or 'none'}")
    if not base.text:
        raise Refused("give the words to redact (--text \"exact words\")")
    t = chosen[0]
    found = _count(_bodies(t), base.text)
    if not found:
        raise Refused(f"the words {base.text!r} do not occur in {t.version_key}; nothing "
                      "redacted (white space and case do not matter; the rest must be exact)")
    r = Redaction(RedactionKind.TEXT, base.reason, base.text, t.version_key, by=base.by,
                  at=base.at)
    return r, found, t.version_key


def _field(stored: StoredDocument, base: Redaction, name: str) -> tuple[Redaction, int, str]:
    if name not in REDACTABLE_FIELDS:
        raise Refused(f"no field {name!r} to redact; the fields are "
                      f"{', '.join(REDACTABLE_FIELDS)} (a person or place: --link KEY)")
    value = field_value(stored, name)
    if not value.strip():
        raise Refused(f"the {name} is empty; there is nothing to redact")
    found = occurrences(value, base.text) if base.text else 1
    if not found:
        raise Refused(f"the words {base.text!r} do not occur in the {name}; nothing redacted")
    r = Redaction(RedactionKind.FIELD, base.reason, base.text, field=name, by=base.by,
                  at=base.at)
    return r, found, name


def _link(stored: StoredDocument, base: Redaction, key: str) -> Redaction:
    linked = {la.authority.key for la in stored.authorities}
    if key not in linked:
        raise Refused(f"the document links no record {key!r}; its records are "
                      f"{', '.join(sorted(linked)) or 'none'}")
    return Redaction(RedactionKind.FIELD, base.reason, field=LINK_PREFIX + key, by=base.by,
                     at=base.at)


def _box(stored: StoredDocument, base: Redaction, wanted: Wanted,
         page_size: PageSize | None) -> Redaction:
    """A box on page N of the document's scans, counted over its media in order."""
    if not wanted.box:
        raise Refused("give the region with --box x,y,w,h (pixels) or pct:x,y,w,h")
    left = wanted.page
    for m in stored.document.media:
        pages = max(1, m.pages or 1)
        if left <= pages:
            size = page_size(m, left) if page_size and not wanted.box.lower().startswith(
                "pct:") else None
            box = parse_box(wanted.box, *(size or (None, None)))
            return Redaction(RedactionKind.BOX, base.reason, media=m.sha256, page=left, box=box,
                             by=base.by, at=base.at)
        left -= pages
    total = sum(max(1, m.pages or 1) for m in stored.document.media)
    raise Refused(f"the document's scans have {total} page(s); there is no page {wanted.page}")


def field_value(stored: StoredDocument, name: str) -> str:
    """A redactable field's value as the record holds it."""
    d, p = stored.document, stored.document.provenance
    return {"title": d.title, "summary": d.summary,
            "date": "\n".join(x for x in (d.date.display, d.date.note) if x),
            "classification": d.classification.marking, "source_note": p.source_note,
            "reference_code": p.reference_code}.get(name, "")


def withheld_words(stored: StoredDocument) -> list[str]:
    """What the redactions in force on an editor's read withhold, as words an editors'
    search finds: the words themselves, a whole field's value, a withheld record's names."""
    out: list[str] = []
    for r in (r for r in stored.redactions if r.in_force):
        if r.text:
            out.append(r.text)
        elif r.field.startswith(LINK_PREFIX):
            key = r.field[len(LINK_PREFIX):]
            out += [n for la in stored.authorities if la.authority.key == key
                    for n in (la.authority.name, *la.variants)]
        elif r.field:
            out.append(field_value(stored, r.field))
    if stored.scan_words:  # what the OCR text loses with the scan's words: boxed names
        live = [r for r in [*stored.redactions, *stored.shared] if r.in_force]
        out += withheld_read_words(stored.document, stored.scan_words, live,
                                   stored.record_names)
    return list(dict.fromkeys(w for w in out if w.strip()))


def _bodies(t: object) -> str:
    body: str = getattr(t, "body", "")
    return "\n\n".join([body, *(n.text for n in getattr(t, "notes", ()))])


def _count(text: str, words: str) -> int:
    return occurrences(text, words) if words else 0


def _elsewhere(stored: StoredDocument, words: str, where: str) -> list[tuple[str, int]]:
    """Where else the words occur: the other text versions, the title, the summary."""
    if not words:
        return []
    places = [(t.version_key, _bodies(t)) for t in stored.document.texts]
    places += [("title", stored.document.title), ("summary", stored.document.summary)]
    found = [(name, _count(text, words)) for name, text in places if name != where]
    return [(name, n) for name, n in found if n]


def _same(new: Redaction, old: Redaction) -> bool:
    return (new.kind, new.text.lower(), new.version, new.field, new.media, new.page, new.box) == \
        (old.kind, old.text.lower(), old.version, old.field, old.media, old.page, old.box)


def _what(r: Redaction) -> str:
    """What a redaction covers, in words, without the words it withholds."""
    if r.kind is RedactionKind.TEXT:
        return f"words in {r.version}"
    if r.kind is RedactionKind.BOX:
        return f"a region of page {r.page} of scan {r.media[:12]}"
    if r.field.startswith(LINK_PREFIX):  # its key may name the person: not in the history
        return "a link to a record"
    return f"words of the {r.field}" if r.text else f"the {r.field}"
