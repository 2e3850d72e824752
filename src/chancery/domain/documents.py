"""The Document: everything an archive's record page carries, and more."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from chancery.domain.authorities import Authority, Link
from chancery.domain.classification import Classification
from chancery.domain.collections import Membership
from chancery.domain.dates import FuzzyDate
from chancery.domain.declassification import Release
from chancery.domain.jobs import StageRequest
from chancery.domain.media import MediaFile
from chancery.domain.provenance import Provenance
from chancery.domain.publication import Publication
from chancery.domain.relations import Relation
from chancery.domain.texts import TextVersion

if TYPE_CHECKING:  # redactions.py reads documents: no cycle at run time
    from chancery.domain.redactions import Redaction


class DocumentType(StrEnum):
    """Kinds of document; a FRUS heading or a spreadsheet column is mapped onto these."""

    LETTER = "letter"
    NOTE = "note"  # diplomatic note
    TELEGRAM = "telegram"
    MEMORANDUM = "memorandum"
    MEMORANDUM_OF_CONVERSATION = "memorandum-of-conversation"
    MINUTES = "minutes"
    REPORT = "report"
    INTELLIGENCE_ESTIMATE = "intelligence-estimate"
    DISPATCH = "dispatch"
    CABLE = "cable"
    AIRTEL = "airtel"
    DIARY = "diary"
    SPEECH = "speech"
    STATEMENT = "statement"
    RECORD_OF_MEETING = "record-of-meeting"
    TRANSCRIPT = "transcript"
    AGREEMENT = "agreement"
    DIRECTIVE = "directive"
    LAW = "law"
    EDITORIAL_NOTE = "editorial-note"  # an editor's narrative, not a historical document
    CATALOGUE_ENTRY = "catalogue-entry"  # a one-paragraph description of an unpublished document
    OTHER = "other"


# First match wins: the more specific phrases come first.
_TYPE_PATTERNS: list[tuple[str, DocumentType]] = [
    (r"editorial note", DocumentType.EDITORIAL_NOTE),
    (r"memorandum of (?:a )?conversation|memcon", DocumentType.MEMORANDUM_OF_CONVERSATION),
    (r"national intelligence estimate|special national intelligence estimate|\bs?nie\b",
     DocumentType.INTELLIGENCE_ESTIMATE),
    (r"\bminutes\b", DocumentType.MINUTES),
    (r"memorandum for the record|record of (?:a )?(?:meeting|conversation|actions?)|"
     r"summary of (?:a )?(?:meeting|discussion)|notes? of (?:a )?meeting|memorandum of discussion",
     DocumentType.RECORD_OF_MEETING),
    (r"\btelegram\b|\bcircular\b", DocumentType.TELEGRAM),
    (r"\bcable\b", DocumentType.CABLE),
    (r"\bairtel\b", DocumentType.AIRTEL),
    (r"\bdispatch|\bdespatch", DocumentType.DISPATCH),
    (r"\bmemorandum\b|\bmemo\b", DocumentType.MEMORANDUM),
    (r"\bletter\b", DocumentType.LETTER),
    (r"\bnote\b|\baide-m[ée]moire\b", DocumentType.NOTE),
    (r"\bdiary\b", DocumentType.DIARY),
    (r"\breport\b|\bpaper\b|\bstudy\b|\bestimate\b|\bbriefing\b", DocumentType.REPORT),
    (r"\bspeech\b|\baddress\b|\bremarks\b", DocumentType.SPEECH),
    (r"\bstatement\b|\bcommuniqu", DocumentType.STATEMENT),
    (r"\btranscript\b", DocumentType.TRANSCRIPT),
    (r"\bagreement\b|\btreaty\b", DocumentType.AGREEMENT),
    (r"\bdirective\b|\baction memorandum\b|\bnsam\b|\bnsc \d", DocumentType.DIRECTIVE),
]


def guess_document_type(title: str) -> DocumentType:
    """The document type a title states ("Telegram From the Embassy in ..." -> TELEGRAM)."""
    lowered = title.lower()
    for pattern, doc_type in _TYPE_PATTERNS:
        if re.search(pattern, lowered):
            return doc_type
    return DocumentType.OTHER


def parse_document_type(value: str) -> DocumentType:
    """A DocumentType from its value or a free-text name ("Memorandum of Conversation")."""
    cleaned = value.strip().lower().replace("_", "-")
    for doc_type in DocumentType:
        if cleaned in (doc_type.value, doc_type.value.replace("-", " ")):
            return doc_type
    return guess_document_type(value)


_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def public_id_for(source_id: str) -> str:
    """A short, stable public id derived from the source's own identifier."""
    number = int.from_bytes(hashlib.sha256(source_id.encode()).digest()[:5], "big")
    chars = []
    for _ in range(8):
        number, rem = divmod(number, 32)
        chars.append(_CROCKFORD[rem])
    return "".join(reversed(chars))


@dataclass(frozen=True)
class Document:
    """One archival document with its full record.

    ``public_id`` is used in URLs and the CLI; ``source_id`` is the source's own identifier
    (a FRUS document is ``frus1958-60v19/d3``); the internal id belongs to storage."""

    public_id: str
    title: str
    source_id: str = ""
    doc_type: DocumentType = DocumentType.OTHER
    date: FuzzyDate = field(default_factory=FuzzyDate)
    summary: str = ""
    classification: Classification = field(default_factory=Classification)
    links: tuple[Link, ...] = field(default_factory=tuple)
    texts: tuple[TextVersion, ...] = field(default_factory=tuple)
    media: tuple[MediaFile, ...] = field(default_factory=tuple)
    provenance: Provenance = field(default_factory=Provenance)
    collections: tuple[Membership, ...] = field(default_factory=tuple)
    relations: tuple[Relation, ...] = field(default_factory=tuple)
    publication: Publication = field(default_factory=Publication)
    number: str = ""  # the printed number within its volume or series ("3")
    releases: tuple[Release, ...] = field(default_factory=tuple)  # its release history

    @property
    def languages(self) -> list[str]:
        """Languages of the text versions, then of scans without a text, without repeats."""
        found = [t.language for t in self.texts] + [m.language for m in self.media]
        return list(dict.fromkeys(lang for lang in found if lang))


@dataclass(frozen=True)
class ParsedDocument:
    """A document as an importer reads it, with the authority records its links point to."""

    document: Document
    authorities: tuple[Authority, ...] = field(default_factory=tuple)
    files: tuple[str, ...] = field(default_factory=tuple)  # local paths of scans to store
    # what an editor's export withheld (domain/redaction_records.py): restored on import
    redactions: tuple[Redaction, ...] = field(default_factory=tuple)
    # the work to queue once it is stored (OCR of its scans, suggestions): domain/jobs.py
    stages: tuple[StageRequest, ...] = field(default_factory=tuple)

    def authority(self, ref: str) -> Authority | None:
        """The authority record a link's ref points to, if this document carries it."""
        return next((a for a in self.authorities if a.ref == ref), None)
