"""Exporting the archive as a Chancery bundle that re-imports to the same archive."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from chancery.domain.publication import Actor
from chancery.domain.records import authority_record, document_record
from chancery.services.clock import today
from chancery.storage.interface import BlobStore, Catalogue, StoredDocument

Tick = Callable[[int], None]


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote."""

    documents: int
    authorities: int
    files: int
    path: str


def _dump(data: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
                    encoding="utf-8")


def _write_document(stored: StoredDocument, dest: Path, blobs: BlobStore) -> int:
    doc = stored.document
    rec = document_record(doc, with_bodies=False)
    name = doc.public_id
    for text_rec, text in zip(rec["texts"], doc.texts, strict=True):
        text_rec["file"] = f"{name}.{text.version_key}.txt"
        (dest / "documents" / text_rec["file"]).write_text(text.body + "\n", encoding="utf-8")
    rec["media"] = []
    for m in doc.media:
        target = dest / "files" / m.sha256 / m.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        with blobs.open(m.sha256) as src, target.open("wb") as out:
            shutil.copyfileobj(src, out)
        rec["media"].append({"file": f"../files/{m.sha256}/{m.filename}", "label": m.label})
    _dump(rec, dest / "documents" / f"{name}.yaml")
    return len(doc.media)


def export_bundle(catalogue: Catalogue, blobs: BlobStore, dest: Path, actor: Actor,
                  tick: Tick | None = None) -> ExportSummary:
    """Write every document the actor may see as a bundle in ``dest``."""
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty; choose a new folder")
    (dest / "documents").mkdir(parents=True, exist_ok=True)
    keys: set[str] = set()
    count = files = 0
    for stored in catalogue.iter_documents(actor, today()):
        keys.update(link.ref for link in stored.document.links)
        files += _write_document(stored, dest, blobs)
        count += 1
        if tick:
            tick(1)
    authorities = [authority_record(a) for a in catalogue.authority_records(sorted(keys))]
    manifest = {"format": "chancery-bundle", "version": 1,
                "collections": [{"key": c.key, "title": c.title, "parent": c.parent_key or None,
                                 "position": c.position, "description": c.description}
                                for c in catalogue.collections()],
                "authorities": authorities}
    _dump(manifest, dest / "bundle.yaml")
    return ExportSummary(count, len(authorities), files, str(dest))
