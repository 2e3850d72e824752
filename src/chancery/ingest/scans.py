"""Bare scans: a PDF, TIFF (one page or many), JPEG or PNG given alone or found in a folder
becomes one draft document, titled by its file name, with its OCR asked for. Scans beside a
CSV are the CSV's to describe (services/imports.py leaves them to it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from chancery.domain.documents import Document, ParsedDocument, public_id_for
from chancery.domain.jobs import Stage, StageRequest
from chancery.domain.media import MEDIA_TYPES
from chancery.domain.ocr import OcrMode
from chancery.domain.publication import Publication, PublicationState
from chancery.ingest.base import Limits, SourceBatch
from chancery.ingest.media import read_media


def ocr_request(mode: OcrMode, language: str = "") -> StageRequest:
    """The OCR stage as an importer asks for it (language only when the source gives one)."""
    options = (("mode", mode.value),) + ((("language", language),) if language else ())
    return StageRequest(Stage.OCR, options)


def title_from_name(path: Path) -> str:
    """A title from a file name: its stem, underscores as spaces ("box3_letter 2.tif" ->
    "box3 letter 2"); an archivist corrects it in the workspace."""
    return " ".join(re.sub(r"_+", " ", path.stem).split()) or path.name


class ScanImporter:
    """Reads one scan file as a draft document whose text OCR will give."""

    name = "scans"

    def __init__(self, ocr: OcrMode = OcrMode.AUTO) -> None:
        self.ocr = ocr  # the import's default (chancery import --ocr)

    def score(self, path: Path) -> float:
        """A file named as a scan matches (below the other formats: theirs are surer)."""
        return 0.5 if path.suffix.lower() in MEDIA_TYPES and path.is_file() else 0.0

    def read(self, path: Path, limits: Limits) -> Iterator[SourceBatch]:
        """One batch with one document; a bad file is refused (ImportRefused) by name."""
        media = read_media(path, limits)
        # the folder and the file name: stable wherever the box is mounted, and two boxes
        # with a "page1.tif" each stay two documents
        source_id = f"{path.resolve().parent.name}/{path.name}"
        doc = Document(public_id=public_id_for(source_id), title=title_from_name(path),
                       source_id=source_id, media=(media,),
                       # nothing public until someone has looked at it (and its suggestions)
                       publication=Publication(PublicationState.DRAFT))
        yield SourceBatch(str(path), self.name,
                          items=[ParsedDocument(doc, files=(str(path),),
                                                stages=(ocr_request(self.ocr),))])
