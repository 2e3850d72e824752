"""Redaction: words, fields and regions of a scan an archive withholds from the public.

A redaction is data beside the document, never an edit of it: the catalogue keeps the
original for editors, and every public read takes the document through ``public_view``,
which puts "[redacted: reason]" where the words were, drops a redacted link, and gives a
scan with boxes a new public key (its burned copy, never the original by its hash)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from chancery.domain.dates import FuzzyDate
from chancery.domain.documents import Document
from chancery.domain.media import MediaFile
from chancery.domain.texts import Note, TextVersion


class RedactionKind(StrEnum):
    """What a redaction covers."""

    TEXT = "text"  # every occurrence of some words in one text version
    FIELD = "field"  # a field of the record, whole or some words of it, or a link
    BOX = "box"  # a rectangle on one page of a scan


class RedactionState(StrEnum):
    """Adding a redaction takes effect at once; taking one away is reviewed."""

    ACTIVE = "active"
    REMOVAL_REQUESTED = "removal-requested"  # still in force until a reviewer approves
    REMOVED = "removed"


# The record fields a FIELD redaction may name; "link:KEY" names an authority link.
REDACTABLE_FIELDS = ("title", "summary", "date", "classification", "source_note", "reference_code")
LINK_PREFIX = "link:"


class BadRedaction(ValueError):
    """A redaction that cannot be made as given (the message says why, for the user)."""


@dataclass(frozen=True)
class Box:
    """A rectangle as fractions (0..1) of the page's width and height, so it covers the same
    region at every size the page is rendered at."""

    x: float
    y: float
    w: float
    h: float

    def __post_init__(self) -> None:
        values = (self.x, self.y, self.w, self.h)
        if any(v != v for v in values) or self.w <= 0 or self.h <= 0:
            raise BadRedaction("a box needs a positive width and height")
        if self.x < 0 or self.y < 0 or self.x + self.w > 1.0001 or self.y + self.h > 1.0001:
            raise BadRedaction("the box lies (partly) outside the page")

    def pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) on an image of this size, rounded outwards so that no
        sliver of a redacted word survives a resize."""
        left, top = int(self.x * width), int(self.y * height)
        right = min(width, -int(-(self.x + self.w) * width // 1))
        bottom = min(height, -int(-(self.y + self.h) * height // 1))
        return left, top, right, bottom

    @property
    def canonical(self) -> str:
        return f"{self.x:.6f},{self.y:.6f},{self.w:.6f},{self.h:.6f}"


def parse_box(value: str, width: int | None = None, height: int | None = None) -> Box:
    """A box from "x,y,w,h" in full-image pixels (needs the page's size) or "pct:x,y,w,h" in
    percent, as in IIIF's region parameter."""
    text = value.strip()
    pct = text.lower().startswith("pct:")
    parts = text[4:].split(",") if pct else text.split(",")
    try:
        x, y, w, h = (float(p) for p in parts)
    except ValueError:
        raise BadRedaction(f"a box is x,y,w,h or pct:x,y,w,h, not {value!r}") from None
    if pct:
        return Box(x / 100, y / 100, w / 100, h / 100)
    if not width or not height:
        raise BadRedaction("a box in pixels needs the page's size; give pct:x,y,w,h instead")
    return Box(x / width, y / height, w / width, h / height)


@dataclass(frozen=True)
class Redaction:
    """One redaction with its reason (an exemption code such as "(b)(1)", or "privacy").

    TEXT: ``version`` is the text version's key, ``text`` the exact words.
    FIELD: ``field`` is one of REDACTABLE_FIELDS or "link:KEY"; ``text`` some words of the
    field, or "" for all of it. BOX: ``media`` is the scan's original sha256, ``page`` its
    page (from 1), ``box`` the region."""

    kind: RedactionKind
    reason: str
    text: str = ""
    version: str = ""
    field: str = ""
    media: str = ""
    page: int = 0
    box: Box | None = None
    by: str = ""
    at: datetime | None = None
    id: int = 0
    state: RedactionState = RedactionState.ACTIVE

    @property
    def in_force(self) -> bool:
        """Whether the public must not see what it covers (until a removal is approved)."""
        return self.state is not RedactionState.REMOVED

    @property
    def marker(self) -> str:
        return marker(self.reason)

    @property
    def is_noticed(self) -> bool:
        """Whether the public page says the document was redacted: not for a box-less one
        (text_layer_withheld), which only serves another document's shared scan without its
        text layer; nothing this document shows is withheld."""
        return self.kind is not RedactionKind.BOX or self.box is not None


@dataclass(frozen=True)
class RedactionNotice:
    """What the public may know of a redaction in force: when, why and what kind of thing it
    withholds ("text", a field's name, "link" or "scan"), never the words."""

    at: datetime | None
    reason: str
    kind: str

    @classmethod
    def of(cls, r: Redaction) -> RedactionNotice:
        """The notice of a redaction."""
        if r.kind is RedactionKind.FIELD:
            kind = "link" if r.field.startswith(LINK_PREFIX) else r.field
        else:
            kind = {RedactionKind.TEXT: "text", RedactionKind.BOX: "scan"}[r.kind]
        return cls(r.at, r.reason, kind)


def marker(reason: str) -> str:
    """What the public reads where redacted words were."""
    return f"[redacted: {reason.strip() or 'withheld'}]"


def _pattern(words: str) -> re.Pattern[str]:
    # any run of white space matches any other (a line break in a transcription, two spaces
    # in a title), and case does not matter: "SMITH" in a heading is the same name
    parts = [re.escape(p) for p in words.split()]
    if not parts:
        raise BadRedaction("give the words to redact")
    return re.compile(r"\s+".join(parts), re.IGNORECASE)


def occurrences(body: str, words: str) -> int:
    """How often the words occur in a text, as a redaction would find them."""
    return len(_pattern(words).findall(body))


def redact_words(body: str, words: str, reason: str) -> str:
    """The text with every occurrence of the words replaced by the marker."""
    return _pattern(words).sub(lambda _m: marker(reason), body)


def _redact_version(t: TextVersion, rs: list[Redaction]) -> TextVersion:
    body, notes = t.body, t.notes
    for r in rs:
        body = redact_words(body, r.text, r.reason)
        notes = tuple(Note(n.mark, redact_words(n.text, r.text, r.reason), n.kind) for n in notes)
    return replace(t, body=body, notes=notes)


def cover(value: str, r: Redaction) -> str:
    """A field's value with a FIELD redaction applied: its words, or all of it."""
    return redact_words(value, r.text, r.reason) if r.text else (r.marker if value else "")


def public_value(name: str, value: str, redactions: list[Redaction]) -> str:
    """One field's value as the public reads it (a title or a date in a list of documents),
    the same as on the document's page."""
    for r in redactions:
        if r.in_force and r.kind is RedactionKind.FIELD and r.field == name:
            value = cover(value, r)
    return value


def _redact_field(doc: Document, r: Redaction) -> Document:
    def cover_(value: str) -> str:
        return cover(value, r)

    if r.field.startswith(LINK_PREFIX):
        key = r.field[len(LINK_PREFIX):]
        return replace(doc, links=tuple(lk for lk in doc.links if lk.ref != key))
    if r.field == "title":
        return replace(doc, title=cover_(doc.title))
    if r.field == "summary":
        return replace(doc, summary=cover_(doc.summary))
    if r.field == "date":
        d = doc.date
        if not r.text:  # the whole date: no year facet, timeline or citation may give it away
            return replace(doc, date=FuzzyDate(cover_(d.display) or r.marker, note=cover_(d.note)))
        return replace(doc, date=replace(d, display=cover_(d.display), note=cover_(d.note)))
    if r.field == "classification":
        c = doc.classification
        return replace(doc, classification=replace(c, marking=cover_(c.marking)))
    if r.field == "source_note":
        p = doc.provenance
        return replace(doc, provenance=replace(p, source_note=cover_(p.source_note)))
    if r.field == "reference_code":
        p = doc.provenance
        return replace(doc, provenance=replace(p, reference_code=cover_(p.reference_code)))
    return doc


def redacted_key(sha256: str, boxes: list[tuple[int, Box]]) -> str:
    """The public key of a scan with boxes burned in, or served without its text layer (no
    boxes): a new hash of the original's and the boxes', so no public address names the
    original file, and a changed set of boxes gets a new key (no cache serves an older burn).
    The key names the bytes served: a rasterised copy is the same for any words withheld."""
    spec = ";".join(f"{page}:{b.canonical}" for page, b in sorted(
        boxes, key=lambda pb: (pb[0], pb[1].canonical)))
    return hashlib.sha256(f"{sha256}|{spec}".encode()).hexdigest()


def withholds_words(r: Redaction) -> bool:
    """Whether a redaction in force withholds words that a scan of the document may repeat
    outside its pixels: a PDF's own text layer (the publisher's OCR of the very words), its
    title and metadata, an image's embedded description. Every TEXT and FIELD one (a link
    withholds a name)."""
    return r.in_force and r.kind is not RedactionKind.BOX


def text_layer_withheld(sha256: str, r: Redaction) -> Redaction:
    """For a document that carries a file another document withholds words of (``r``): the
    file's text layer is withheld here too, as a box-less redaction of the file, so the file
    has one public key wherever it appears."""
    return Redaction(RedactionKind.BOX, r.reason, media=sha256, by=r.by, at=r.at)


def _redact_media(m: MediaFile, rs: list[Redaction], flat: bool) -> MediaFile:
    """A scan with boxes, or with words withheld (``flat``, or a box-less redaction of the
    file), gets a new public key: served burned and rasterised, without its text layer."""
    if not (flat or rs):
        return m
    return replace(m, sha256=redacted_key(m.sha256, [(r.page, r.box) for r in rs
                                                     if r.box is not None]))


def public_view(doc: Document, redactions: list[Redaction]) -> Document:
    """The document as the public may read it: every redaction in force applied."""
    live = [r for r in redactions if r.in_force]
    if not live:
        return doc
    for r in live:
        if r.kind is RedactionKind.FIELD:
            doc = _redact_field(doc, r)
    texts = tuple(_redact_version(t, [r for r in live if r.kind is RedactionKind.TEXT
                                      and r.version == t.version_key]) for t in doc.texts)
    flat = any(withholds_words(r) for r in live)
    media = tuple(_redact_media(m, [r for r in live if r.kind is RedactionKind.BOX
                                    and r.media == m.sha256], flat) for m in doc.media)
    return replace(doc, texts=texts, media=media)


def redacted_words(redactions: list[Redaction]) -> list[str]:
    """The words the public may not read (for the editors' own search field)."""
    return [r.text for r in redactions if r.in_force and r.text]


def marked(body: str, redactions: list[Redaction]) -> list[tuple[str, Redaction | None]]:
    """A text in pieces for editors, each piece a redaction covers paired with it (the first
    one that covers it), so the workspace can show what the public does not read."""
    spans: list[tuple[int, int, Redaction]] = []
    for r in redactions:
        if r.text.strip():
            spans += [(m.start(), m.end(), r) for m in _pattern(r.text).finditer(body)]
    out: list[tuple[str, Redaction | None]] = []
    at = 0
    for start, end, r in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < at:
            continue  # inside a piece already covered
        if start > at:
            out.append((body[at:start], None))
        out.append((body[start:end], r))
        at = end
    if at < len(body):
        out.append((body[at:], None))
    return out
