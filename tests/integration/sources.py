"""Small sources written by the import tests (a FRUS-like volume, bundles, CSV files) and
ways to look at everything a catalogue holds."""

from __future__ import annotations

import csv
import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from chancery.bootstrap import App
from chancery.demo import DEMO_DIR
from chancery.domain.publication import Actor
from chancery.ingest.base import Limits
from chancery.services.documents import document_view
from chancery.services.imports import ImportSummary, import_paths
from chancery.storage.tables import metadata

SCANS = DEMO_DIR / "scans"
PDF = SCANS / "104-10216-10046_ocr.pdf"  # a real two-page scan
OTHER_PDF = SCANS / "104-10236-10054_ocr.pdf"
DOCUMENT_TABLES = ("documents", "text_versions", "document_links", "media",
                   "document_collections", "relations", "revisions")
_TEI_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
             '<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:frus="http://history.state.gov/ns/1.0">')


def tei_document(n: int, xml_id: bool = True, head: str = "") -> str:
    """One FRUS ``div[@type="document"]``: a telegram from Paris with a source note."""
    ident = f' xml:id="d{n}"' if xml_id else ""
    title = head or "Telegram From the Embassy in France to the Department of State"
    return (f'<div type="document" n="{n}"{ident}><head>{title}<note n="0" type="source">'
            "Source: Department of State, Central Files, 611.93/7-1758. Secret.</note></head>"
            f'<dateline><placeName>Paris</placeName>, <date when="1958-07-{n:02d}">July {n}, 1958'
            f"</date></dateline><p>Paragraph {n} of the test telegram.</p></div>")


def tei_volume(volume_id: str, documents: list[str], doctype: str = "") -> str:
    """A FRUS TEI volume with one chapter holding the given documents."""
    return (_TEI_HEAD.format(doctype=doctype)
            + f'<teiHeader><fileDesc><titleStmt><title type="complete">Test volume {volume_id}'
            f'</title></titleStmt><publicationStmt><idno type="frus">{volume_id}</idno>'
            "</publicationStmt></fileDesc></teiHeader><text><body>"
            f'<div type="chapter" xml:id="ch1"><head>Chapter one</head>{"".join(documents)}'
            "</div></body></text></TEI>\n")


def write_volume(path: Path, count: int = 2) -> Path:
    """A valid FRUS-like volume of ``count`` documents, named after the file."""
    path.write_text(tei_volume(path.stem, [tei_document(n) for n in range(1, count + 1)]),
                    encoding="utf-8")
    return path


def write_bundle(folder: Path, documents: dict[str, dict[str, Any]],
                 manifest: dict[str, Any] | None = None) -> Path:
    """A bundle: ``bundle.yaml`` plus one YAML file per document (name -> metadata)."""
    folder.mkdir(parents=True, exist_ok=True)
    head = {"format": "chancery-bundle", "version": 1,
            "collections": [{"key": "test-box", "title": "Test box"}]}
    (folder / "bundle.yaml").write_text(yaml.safe_dump(manifest or head), encoding="utf-8")
    for name, meta in documents.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True),
                                             encoding="utf-8")
    return folder


def bundle_document(n: int, **extra: Any) -> dict[str, Any]:
    """Metadata of a small bundle document with an inline English text and an author."""
    return {"source_id": f"test-bundle/{n}", "title": f"Memorandum number {n}", "type": "memorandum",
            "date": "1962-10-16", "authors": [f"Author Number{n}"], "collections": ["test-box"],
            "texts": [{"language": "en", "body": f"Text of memorandum {n}."}], **extra}


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """A CSV with a header made of the union of the rows' columns."""
    columns = list(dict.fromkeys(c for row in rows for c in row))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_import(app: App, *paths: Path, max_bytes: int | None = None) -> ImportSummary:
    """Import paths through the service, optionally with a smaller file-size limit."""
    ctx = app.import_context()
    if max_bytes is not None:
        ctx = dataclasses.replace(ctx, limits=Limits(max_bytes, 1000))
    return import_paths(list(paths), ctx)


def row_counts(app: App) -> dict[str, int]:
    """Rows in every catalogue table."""
    with app.catalogue.engine.connect() as conn:
        return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for t in metadata.sorted_tables}


def catalogue_text(app: App) -> str:
    """Every value of every row of every catalogue table, as one string to search."""
    with app.catalogue.engine.connect() as conn:
        return "\n".join(repr(tuple(row)) for t in metadata.sorted_tables
                         for row in conn.execute(select(t)))


def stored_idents(app: App) -> set[str]:
    """Source ids (or public ids) of every stored document."""
    return {s.document.source_id or s.document.public_id
            for s in app.catalogue.iter_documents(Actor.EDITOR, date.today())}


def archive_records(app: App) -> dict[str, dict[str, Any]]:
    """Every document's full record as ``show --json`` gives it, less what storage stamps
    (internal id, revisions, times), by source id."""
    out = {}
    for stored in app.catalogue.iter_documents(Actor.EDITOR, date.today()):
        view = document_view(stored)
        for volatile in ("id", "revisions", "created_at", "updated_at"):
            view.pop(volatile)
        out[stored.document.source_id or stored.document.public_id] = view
    return out


class Clock:
    """A clock the test moves (accounts, sessions and tokens take it in place of the time)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now
