"""Correcting OCR by hand: an editor reads a document's OCR text version beside its scan,
puts it right, and the correction becomes the document's transcription (an original text
version of its own, "English (transcription, corrected from OCR)"). The OCR version stays as
it was read, so a reader and the search keep the machine's reading as well.

The save goes through services/editing: a draft changes at once, a published document's
correction waits for a reviewer. Words redacted in the OCR version are redacted in a draft's
new transcription as it is made; for a published document, whose transcription a reviewer
would make public on approval, a correction that repeats them is refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chancery.domain.accounts import Role
from chancery.domain.documents import Document
from chancery.domain.editing import Invalid
from chancery.domain.publication import Actor, PublicationState
from chancery.domain.records import Record
from chancery.domain.redactions import Redaction, RedactionKind, RedactionState
from chancery.domain.texts import LANGUAGE_NAMES, TextKind
from chancery.domain.workflow import Acting, Refused
from chancery.services.clock import today
from chancery.services.editing import Editing, NotFound, Saved
from chancery.storage.interface import Catalogue, StoredDocument

FROM_OCR = "corrected from OCR"  # what a transcription's label says it was made from
MAX_BODY = 8 * 1024 * 1024  # characters: a long report's text is a few MB at most

# redact the words of one text version at once: (public id, version key, words, reason, who)
RedactWords = Callable[[str, str, str, str, Acting], None]


@dataclass(frozen=True)
class Transcription:
    """The correction form of one OCR version: the text to edit (the correction made
    before, else the OCR text) and where the save goes."""

    document: Document  # as editors read it (its scans beside the form)
    ocr_key: str
    ocr_label: str
    body: str
    key: str  # the transcription's key ("en-original")
    made: bool  # whether that transcription exists (a save updates it)
    seen: datetime | None  # the stamp to send back with the save
    ocr_versions: list[tuple[str, str]]  # every OCR version: (key, label)

    @property
    def public_id(self) -> str:
        """The document's public id."""
        return self.document.public_id

    @property
    def published(self) -> bool:
        """Whether the save waits for a reviewer."""
        return self.document.publication.state is PublicationState.PUBLISHED


def label_for(language: str) -> str:
    """The transcription's label: "English (transcription, corrected from OCR)"."""
    name = LANGUAGE_NAMES.get(language.split("-")[0].lower(), language or "Text")
    return f"{name} (transcription, {FROM_OCR})"


def _is_ours(text: Record) -> bool:
    return text.get("kind") == TextKind.ORIGINAL.value and FROM_OCR in str(text.get("label"))


def _target(texts: list[Record], ocr: Record) -> tuple[str, Record | None]:
    """The key of the transcription a correction of ``ocr`` goes to, and the version there
    now: "{language}-original" when free or made from OCR before, else one of its own (a
    transcription a source gave is never overwritten)."""
    language = str(ocr.get("language") or "und")
    by_key = {str(t.get("key")): t for t in texts}
    for key in (f"{language}-original", f"{ocr.get('key')}-corrected"):
        there = by_key.get(key)
        if there is None or _is_ours(there):
            return key, there
    raise Refused("this document has transcriptions under both keys a correction would take")


class Transcribing:
    """OCR corrections over the editing service."""

    def __init__(self, catalogue: Catalogue, editing: Editing, redact: RedactWords) -> None:
        self.catalogue, self.editing, self.redact = catalogue, editing, redact

    def form(self, ident: str, actor: Acting, version: str = "") -> Transcription:
        """The correction form of the document's OCR version ``version`` (its first, if "")."""
        record, seen, _ = self.editing.draft_of(ident, actor)
        texts = list(record.get("texts") or [])
        ocr = _ocr(texts, version)
        key, there = _target(texts, ocr)
        return Transcription(self._stored(ident).document, str(ocr["key"]),
                             str(ocr.get("label") or ""), str((there or ocr).get("body") or ""),
                             key, there is not None, seen,
                             [(str(t["key"]), str(t.get("label") or t["key"])) for t in texts
                              if t.get("kind") == TextKind.OCR.value])

    def save(self, ident: str, version: str, body: str, actor: Acting,
             seen: datetime | None, comment: str = "") -> Saved:
        """Make (or update) the transcription corrected from OCR version ``version``."""
        actor.check("correcting OCR", Role.EDITOR)
        body = "\n".join(line.rstrip() for line in body.replace("\r\n", "\n").split("\n"))
        if not body.strip():
            raise Refused("the corrected text is empty; the OCR version is kept either way")
        if len(body) > MAX_BODY:
            raise Refused(f"a text version is at most {MAX_BODY:,} characters")
        record, _, _ = self.editing.draft_of(ident, actor)
        texts = [dict(t) for t in record.get("texts") or []]
        ocr = _ocr(texts, version)
        key, there = _target(texts, ocr)
        withheld, carried = self._withheld(ident, str(ocr["key"]), key, body)
        if withheld and (record.get("publication") or {}).get("state") == "published":
            raise Refused("the correction repeats words redacted in the OCR version ("
                          + ", ".join(r.reason for r in withheld) + "); leave them out, or "
                          "correct the OCR while the document is a draft")
        new = {"key": key, "language": ocr.get("language"), "kind": TextKind.ORIGINAL.value,
               "label": label_for(str(ocr.get("language") or "")), "body": body,
               "notes": (there or {}).get("notes") or []}
        texts = [new if t is there else t for t in texts] if there else [*texts, new]
        said = f"OCR {ocr['key']} corrected" + (f": {comment.strip()}" if comment.strip() else "")
        try:
            saved = self.editing.edit(ident, {"texts": texts}, actor, seen, said)
        except Invalid as exc:
            raise Refused("; ".join(exc.errors.values())) from None
        for r in withheld:  # a draft: its transcription withholds what its OCR withholds
            if _words(r.text) not in carried:
                self.redact(saved.public_id, key, r.text, r.reason, actor)
        return saved

    def _withheld(self, ident: str, ocr_key: str, key: str,
                  body: str) -> tuple[list[Redaction], set[str]]:
        """The text redactions in force on the OCR version whose words the correction
        repeats, and the words redacted on the transcription already."""
        stored = self._stored(ident)
        live = [r for r in stored.redactions if r.kind is RedactionKind.TEXT
                and r.state is not RedactionState.REMOVED]
        folded = _words(body)
        return ([r for r in live if r.version == ocr_key and _words(r.text) in folded],
                {_words(r.text) for r in live if r.version == key})

    def _stored(self, ident: str) -> StoredDocument:
        stored = self.catalogue.get_document(ident, Actor.EDITOR, today())
        if stored is None:
            raise NotFound(f"no document {ident!r}")
        return stored


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


def _ocr(texts: list[Record], version: str) -> Record:
    found = [t for t in texts if t.get("kind") == TextKind.OCR.value
             and (not version or t.get("key") == version)]
    if not found:
        raise NotFound("this document has no OCR text version" +
                       (f" {version!r}" if version else ""))
    return found[0]
