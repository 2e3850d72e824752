"""Exporting the archive as a Chancery bundle that re-imports to the same archive."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.domain.records import authority_record, document_record
from chancery.domain.redaction_records import redaction_record
from chancery.domain.served_scans import ServedScan
from chancery.storage.interface import Catalogue, StoredDocument

Tick = Callable[[int], None]
# libyaml's emitter when present: several times faster than the pure-Python one.
_YamlDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# A name part that is safe in a path: no separators, no "..", nothing hidden.
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote."""

    documents: int
    authorities: int
    files: int
    path: str


def _dump(data: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.dump(data, Dumper=_YamlDumper, allow_unicode=True, sort_keys=False,
                              width=100), encoding="utf-8")


def _is_safe(name: str) -> bool:
    return bool(_SAFE_NAME.fullmatch(name)) and ".." not in name


def _text_keys(keys: list[str]) -> list[str]:
    """Text version keys as file-name parts, or numbered names if any of them is not safe."""
    return keys if all(_is_safe(k) for k in keys) else [f"text{i}" for i in range(len(keys))]


def _media_name(filename: str, position: int) -> str:
    """A scan's file name (always a plain name when an importer stored it), else a numbered one."""
    plain = Path(filename).name == filename and filename not in ("", ".", "..")
    return filename if plain else f"file{position}{Path(filename).suffix}"


class ScanFiles(Protocol):
    """The file a scan is served as (blobs/burning.py): the original, or its burned copy."""

    def path_of(self, scan: ServedScan) -> Path | None:
        """Where the file to copy is; None when it is not stored."""
        ...


def _scan_path(catalogue: Catalogue, files: ScanFiles, key: str, r: Reader) -> Path:
    """The file this reader may have under this key: a public export carries a redacted
    scan burned, by its redacted key, never the original."""
    scan = catalogue.served_scan(key, r.actor, r.today)
    path = files.path_of(scan) if scan else None
    if path is None:
        raise OSError(f"scan {key[:12]}… is missing from the file store (see `chancery check`)")
    return path


def _write_document(stored: StoredDocument, dest: Path, scan_path: Callable[[str], Path]) -> int:
    doc = stored.document
    rec = document_record(doc, with_bodies=False)
    name = doc.public_id if _is_safe(doc.public_id) else f"document-{stored.id}"
    keys = _text_keys([t.version_key for t in doc.texts])
    for text_rec, text, key in zip(rec["texts"], doc.texts, keys, strict=True):
        text_rec["file"] = f"{name}.{key}.txt"
        (dest / "documents" / text_rec["file"]).write_text(text.body + "\n", encoding="utf-8")
    rec["media"] = []
    for i, m in enumerate(doc.media):
        filename = _media_name(m.filename, i)
        target = dest / "files" / m.sha256 / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(scan_path(m.sha256), target)
        rec["media"].append({"file": f"../files/{m.sha256}/{filename}", "label": m.label})
    # an editor's read only: a public one has them applied and carries none
    live = [redaction_record(r) for r in stored.redactions if r.in_force]
    if live:
        rec["redactions"] = live
    _dump(rec, dest / "documents" / f"{name}.yaml")
    return len(doc.media)


def export_bundle(catalogue: Catalogue, files: ScanFiles, dest: Path, reader: Reader | Actor,
                  tick: Tick | None = None,
                  only: Iterable[StoredDocument] | None = None) -> ExportSummary:
    """Write every document the reader may see (or ``only`` these) as a bundle in ``dest``."""
    r = Reader.of(reader)
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty; choose a new folder")
    (dest / "documents").mkdir(parents=True, exist_ok=True)
    keys: set[str] = set()
    count = copied = 0
    for stored in catalogue.iter_documents(r.actor, r.today) if only is None else only:
        keys.update(link.ref for link in stored.document.links)
        copied += _write_document(stored, dest,
                                  lambda key: _scan_path(catalogue, files, key, r))
        count += 1
        if tick:
            tick(1)
    authorities = [authority_record(a) for a in catalogue.authority_records(sorted(keys))]
    manifest = {"format": "chancery-bundle", "version": 1,
                "collections": [{"key": c.key, "title": c.title, "parent": c.parent_key or None,
                                 "position": c.position, "description": c.description}
                                for c in catalogue.collections(r.actor, r.today)],
                "authorities": authorities}
    _dump(manifest, dest / "bundle.yaml")
    return ExportSummary(count, len(authorities), copied, str(dest))
