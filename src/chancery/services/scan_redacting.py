"""Redacting a region of a scan page: checked against the file's pages, stored at once with
a revision and a new change number, audited.

Taking something away is immediate (no review): from the moment the box is stored the
public is served the scan only under a new key, with the box burned into every page image,
IIIF tile and download, and the original's hash answers as unknown to it. Removing a box is
reviewed, like every other redaction's removal (services/redacting.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from chancery.domain.accounts import Role
from chancery.domain.media import MediaFile
from chancery.domain.publication import Actor
from chancery.domain.redactions import (
    BadRedaction,
    Box,
    Redaction,
    RedactionKind,
    parse_box,
    public_view,
)
from chancery.domain.revisions import Revision
from chancery.domain.workflow import Acting, Refused
from chancery.services.clock import today, utc_now
from chancery.services.publishing import AuditLog
from chancery.storage.interface import Catalogue, StoredDocument

MAX_REASON = 200  # characters: an exemption code or a short phrase, shown on the page


class ScanPages(Protocol):
    """The size of a scan's pages as IIIF serves them in full (blobs/pages.py)."""

    def sizes(self, sha256: str, media_type: str) -> list[tuple[int, int]]:
        """(width, height) of every page, in order; [] when the file is not stored."""
        ...


class BoxStore(Protocol):
    """Where a box is written (storage/scan_redactions.py)."""

    def add_box(self, document_id: int, redaction: Redaction, revision: Revision) -> int:
        """Store the box, its revision and a new change number at once; returns its id."""
        ...


@dataclass(frozen=True)
class BoxAdded:
    """A box stored: on which document, file and page, and the key the public now reads
    that file by."""

    public_id: str
    redaction_id: int
    filename: str
    page: int
    box: Box
    public_key: str


class ScanRedacting:
    """Boxes on scan pages, over the catalogue, the page sizes and the audit log."""

    def __init__(self, catalogue: Catalogue, store: BoxStore, pages: ScanPages,
                 audit: AuditLog, changed: Callable[[str], None] = lambda public_id: None) -> None:
        self.catalogue, self.store, self.pages, self.audit = catalogue, store, pages, audit
        self.changed = changed  # told a document's public view changed (caches to drop)

    def redact_box(self, ident: str, page: int, box: str, reason: str, actor: Acting,
                   scan: str = "") -> BoxAdded:
        """Black out a region of one page: ``box`` is "x,y,w,h" in pixels of the page as
        IIIF serves it in full (its info.json width and height) or "pct:x,y,w,h"; ``scan``
        names the file (its name or number from 1) when the document has several.
        Refused, with nothing stored, for anything that does not fit."""
        actor.check("redacting a scan", Role.EDITOR)
        stored = self._document(ident)
        media = pick_scan(stored.document.media, scan)
        region = self._region(media, page, box)
        why = _reason(reason)
        at = utc_now()
        redaction = Redaction(RedactionKind.BOX, why, media=media.sha256, page=page, box=region,
                              by=actor.name, at=at)
        said = f"box on page {page} of {media.filename} ({region.canonical}), {why}"
        revision = Revision(at, actor.name, f"redacted a region of page {page}: {why}",
                            {"redactions": [None, said]})
        rid = self.store.add_box(stored.id, redaction, revision)
        public_id = stored.document.public_id
        self.audit(actor.audit_name, "redact", public_id, kind="box", file=media.filename,
                   page=page, reason=why, **dict(actor.via))
        self.changed(public_id)
        return BoxAdded(public_id, rid, media.filename, page, region,
                        self._public_key(public_id, media))

    def _document(self, ident: str) -> StoredDocument:
        stored = self.catalogue.get_document(ident.strip(), Actor.EDITOR, today())
        if stored is None:
            raise Refused("no such document (give a public id or a source id)")
        return stored

    def _region(self, media: MediaFile, page: int, box: str) -> Box:
        sizes = self.pages.sizes(media.sha256, media.media_type)
        if not sizes:
            raise Refused(f"{media.filename} is missing from the file store "
                          "(see `chancery check`)")
        if not 1 <= page <= len(sizes):
            raise Refused(f"{media.filename} has no page {page}; its pages are 1 to "
                          f"{len(sizes)}")
        width, height = sizes[page - 1]
        try:
            return parse_box(box, width, height)
        except BadRedaction as exc:
            raise Refused(f"{exc} (page {page} is {width} x {height} pixels in full)") from None

    def _public_key(self, public_id: str, media: MediaFile) -> str:
        stored = self._document(public_id)
        seen = public_view(stored.document, stored.redactions)
        index = stored.document.media.index(media)
        return seen.media[index].sha256


def pick_scan(files: tuple[MediaFile, ...], scan: str) -> MediaFile:
    """The scan named by its file name or number (from 1); the only one when none is named."""
    if not files:
        raise Refused("this document has no scan")
    wanted = scan.strip()
    if not wanted:
        if len(files) > 1:
            raise Refused("this document has several scans; name one with --scan: "
                          + ", ".join(f"{n} ({m.filename})" for n, m in enumerate(files, 1)))
        return files[0]
    if wanted.isdigit() and 1 <= int(wanted) <= len(files):
        return files[int(wanted) - 1]
    found = [m for m in files if m.filename == wanted]
    if not found:
        raise Refused(f"no scan {wanted!r}; this document has "
                      + ", ".join(f"{n} ({m.filename})" for n, m in enumerate(files, 1)))
    return found[0]


def _reason(reason: str) -> str:
    why = " ".join(reason.split())
    if not why:
        raise Refused('give a reason: an exemption code such as "(b)(6)", or "privacy"')
    if len(why) > MAX_REASON:
        raise Refused(f"a reason is at most {MAX_REASON} characters")
    return why
