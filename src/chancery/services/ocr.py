"""The OCR stage: a stored document's scans read into text and words with boxes, kept as its
machine-read text version ("English (OCR)", with its mean confidence) and its word layer.
A job calls ``Ocr.run``; running it again leaves the same state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from chancery.domain.documents import Document
from chancery.domain.media import MediaFile
from chancery.domain.ocr import (
    MADE_BY,
    TEXT_LAYER,
    OcrMode,
    PageReading,
    mean_confidence,
    ocr_language,
    parse_ocr_mode,
)
from chancery.domain.publication import Actor
from chancery.domain.revisions import Revision
from chancery.domain.texts import LANGUAGE_NAMES, TextKind, TextVersion
from chancery.domain.words import PageWords
from chancery.services.clock import today, utc_now
from chancery.storage.interface import BlobStore, Catalogue


class OcrFailed(Exception):
    """The stage could not read a document; the message names the file, the page and why."""


class PageReader(Protocol):
    """Reads scan pages (enrich/ocr/reader.py)."""

    def page_count(self, data: bytes, media_type: str) -> int:
        """How many pages the file has."""
        ...

    def read_page(self, data: bytes, media_type: str, page: int, media: int,
                  mode: OcrMode, language: str) -> PageReading | None:
        """One page as the mode asks; None when there is nothing to read."""
        ...

    def language(self, data: bytes, media_type: str) -> str:
        """The language of the file's first page, detected (BCP 47)."""
        ...


class OcrTexts(Protocol):
    """Where the stage keeps what it read (storage/ocr_texts.py)."""

    def public_id(self, document_id: int) -> str | None:
        """The public id of a stored document."""
        ...

    def store(self, document_id: int, text: TextVersion | None, pages: Sequence[PageWords],
              source: str, revision: Revision) -> bool:
        """Replace the stage's text and words for the document; False when unchanged."""
        ...


@dataclass(frozen=True)
class _Scan:
    index: int  # in the document's media
    media: MediaFile
    data: bytes


class Ocr:
    """The OCR stage over the catalogue, the blob store, a page reader and its store."""

    def __init__(self, catalogue: Catalogue, blobs: BlobStore, reader: PageReader,
                 texts: OcrTexts) -> None:
        self.catalogue = catalogue
        self.blobs = blobs
        self.reader = reader
        self.texts = texts

    def run(self, document_id: int, options: Mapping[str, str]) -> None:
        """Read the document's scans as ``options`` say (``mode`` auto|always|never,
        ``language``) and store the text and words; OcrFailed names the file and page."""
        doc = self._document(document_id)
        try:
            mode = parse_ocr_mode(options.get("mode", ""))
        except ValueError as exc:
            raise OcrFailed(str(exc)) from None
        scans = self._scans(doc)
        if not scans:
            return
        language = self._language(doc, scans, options.get("language", ""), mode)
        readings = [r for scan in scans for r in self._read(scan, mode, language)]
        # a text the source gave as OCR stays the document's (auto): the words are still kept
        given = mode is OcrMode.AUTO and any(t.kind is TextKind.OCR and
                                             not t.made_by.startswith(MADE_BY) for t in doc.texts)
        text = None if given else _text_version(readings, language)
        source = "+".join(dict.fromkeys(r.source for r in readings))[:40] or TEXT_LAYER
        self.texts.store(document_id, text, [r.words for r in readings], source,
                         Revision(utc_now(), "ocr", _summary(text, readings)))

    def _document(self, document_id: int) -> Document:
        public_id = self.texts.public_id(document_id)
        stored = self.catalogue.get_document(public_id, Actor.EDITOR, today()) \
            if public_id else None
        if stored is None:
            raise OcrFailed(f"document {document_id} is not in the catalogue")
        return stored.document

    def _scans(self, doc: Document) -> list[_Scan]:
        found = []
        for index, media in enumerate(doc.media):
            if not self.blobs.exists(media.sha256):
                raise OcrFailed(f"{media.filename}: the file is missing from the blob store")
            with self.blobs.open(media.sha256) as f:
                found.append(_Scan(index, media, f.read()))
        return found

    def _language(self, doc: Document, scans: list[_Scan], given: str, mode: OcrMode) -> str:
        """As given (the CSV, the import), else as the record says, else detected."""
        named = given or next((s.media.language for s in scans if s.media.language), "") \
            or next(iter(doc.languages), "")
        if named:
            try:
                return ocr_language(named)
            except ValueError as exc:
                raise OcrFailed(f"{scans[0].media.filename}: {exc}") from None
        if mode is OcrMode.NEVER:
            return "en"  # nothing is OCR'd: the label alone depends on it
        first = scans[0]
        try:
            return self.reader.language(first.data, first.media.media_type)
        except Exception as exc:  # any failure of a reader becomes one a person can read
            raise OcrFailed(f"{first.media.filename}, page 1: language not detected "
                            f"({_reason(exc)})") from exc

    def _read(self, scan: _Scan, mode: OcrMode, language: str) -> list[PageReading]:
        name, media_type = scan.media.filename, scan.media.media_type
        try:
            count = self.reader.page_count(scan.data, media_type)
        except Exception as exc:  # any failure of a reader becomes one a person can read
            raise OcrFailed(f"{name}: not readable ({_reason(exc)})") from exc
        found = []
        for page in range(1, count + 1):
            try:
                reading = self.reader.read_page(scan.data, media_type, page, scan.index, mode,
                                                language)
            except Exception as exc:  # any failure of a reader becomes one a person can read
                raise OcrFailed(f"{name}, page {page}: {_reason(exc)}") from exc
            if reading is not None:
                found.append(reading)
        return found


def _reason(exc: Exception) -> str:
    return str(exc).strip() or type(exc).__name__


def _text_version(readings: list[PageReading], language: str) -> TextVersion | None:
    """The pages' text as one version, a blank line between pages; None when nothing was
    read (an image with mode never, a blank page)."""
    body = "\n\n".join(r.text.strip() for r in readings if r.text.strip())
    if not body:
        return None
    sources = ", ".join(dict.fromkeys("the PDF's own text layer" if r.source == TEXT_LAYER
                                      else r.source for r in readings))
    return TextVersion(language, TextKind.OCR, body, made_by=f"{MADE_BY}: {sources}",
                       confidence=mean_confidence(readings))


def _summary(text: TextVersion | None, readings: list[PageReading]) -> str:
    if text is None:
        return f"OCR: no text found on {len(readings)} page(s)"
    read = sum(1 for r in readings if r.is_ocr)
    layer = len(readings) - read
    confidence = f", mean confidence {text.confidence:.0f}" if text.confidence is not None else ""
    name = LANGUAGE_NAMES.get(text.language, text.language)
    return f"OCR: {name} text of {len(readings)} page(s): {read} read by OCR{confidence}, " \
           f"{layer} from the file's own text layer"
