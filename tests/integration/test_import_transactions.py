"""An import of one document is one transaction: when storing it fails midway (a collection
that does not exist, a scan that vanishes, changes or cannot be written, a database
constraint), no row of it remains, a stored version stays whole, and the other documents of
the batch land. Provoked for real, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chancery.bootstrap import App
from chancery.domain.documents import Document, ParsedDocument
from chancery.domain.texts import TextKind, TextVersion
from chancery.fileutil import sha256_of
from chancery.ingest.base import SourceBatch
from chancery.services.imports import ImportSummary, read_source, store_batch
from tests.integration.sources import (
    PDF,
    archive_records,
    bundle_document,
    row_counts,
    run_import,
    stored_idents,
    write_bundle,
)


def _box(tmp_path: Path, **bad: dict[str, object]) -> Path:
    """A bundle of two good documents (one with a scan) and any bad ones given by name."""
    folder = tmp_path / "box"
    folder.mkdir(exist_ok=True)
    shutil.copy(PDF, folder / "scan.pdf")
    return write_bundle(folder, {"one": bundle_document(1, media=[{"file": "scan.pdf"}]),
                                 "two": bundle_document(2), **bad})


def _failed(summary: ImportSummary) -> list[tuple[str, str]]:
    return [(Path(f.path).name, f.reason) for f in summary.failed]


def test_a_document_failing_midway_leaves_no_row_behind(app: App, tmp_path: Path) -> None:
    """A new document naming an undeclared collection fails after its row was written; the
    rollback leaves every table as it was, the new person it named included."""
    run_import(app, _box(tmp_path))
    before = row_counts(app)
    bad = bundle_document(3, collections=["no-such-box"], authors=["Quite New Person"])
    summary = run_import(app, _box(tmp_path, bad=bad))
    assert (summary.imported, summary.unchanged) == (0, 2)
    ((name, reason),) = _failed(summary)
    assert name == "box" and "no-such-box" in reason
    assert row_counts(app) == before
    assert "test-bundle/3" not in stored_idents(app)


def test_a_failed_update_keeps_the_stored_version_whole(app: App, tmp_path: Path) -> None:
    """An update that fails midway (new title, text and author, but an undeclared collection)
    leaves the stored document exactly as it was: no child row deleted, no revision added."""
    run_import(app, _box(tmp_path))
    before, counts = archive_records(app), row_counts(app)
    changed = bundle_document(2, title="A new title", collections=["no-such-box"],
                              authors=["Someone Else"], texts=[{"language": "de", "body": "Neu."}])
    summary = run_import(app, _box(tmp_path, two=changed))
    assert (summary.updated, summary.unchanged, len(summary.failed)) == (0, 1, 1)
    assert archive_records(app) == before
    assert row_counts(app) == counts


def _read_then(app: App, tmp_path: Path, damage: str) -> ImportSummary:
    """Read the bundle, damage its scan as an import running alongside might, then store."""
    ctx = app.import_context()
    (batch,) = read_source(_box(tmp_path), ctx.importers, ctx.limits)
    scan = tmp_path / "box" / "scan.pdf"
    if damage == "vanishes":
        scan.unlink()
    elif damage == "changes":
        scan.write_bytes(PDF.read_bytes() + b"\n% appended\n")
    else:  # the blob store's folder for this hash is taken by a file: the copy cannot be written
        shard = app.blobs.root / sha256_of(PDF)[:2]
        shard.parent.mkdir(parents=True, exist_ok=True)
        shard.write_text("in the way\n")
    summary = ImportSummary()
    store_batch(batch, ctx, summary)
    return summary


@pytest.mark.parametrize(("damage", "reason"), [
    ("vanishes", "No such file"),
    ("changes", "changed while it was being"),
    ("cannot-be-written", "cannot store"),
])
def test_a_scan_that_cannot_be_stored_fails_its_document_alone(
        app: App, tmp_path: Path, damage: str, reason: str) -> None:
    """A scan that vanishes, changes or cannot be written between reading and storing fails
    its document (named) with no row of it stored, and the catalogue never points to a blob
    the store does not hold; the other document lands."""
    summary = _read_then(app, tmp_path, damage)
    assert summary.imported == 1 and stored_idents(app) == {"test-bundle/2"}
    ((name, text),) = _failed(summary)
    assert name == "box" and reason in text and summary.failed[0].item == "test-bundle/1"
    assert row_counts(app)["media"] == 0
    assert all(app.blobs.exists(h) for h in app.catalogue.media_hashes())


def test_a_database_constraint_failing_midway_rolls_back_the_whole_document(
        app: App, tmp_path: Path) -> None:
    """Two text versions with one key: the document row and its links are written, then the
    texts' unique key fails; nothing of that document remains and its neighbour lands."""
    ctx = app.import_context()
    (batch,) = read_source(_box(tmp_path), ctx.importers, ctx.limits)
    good = batch.documents[1]
    twice = TextVersion("en", TextKind.OCR, "First reading.", key="en-ocr")
    bad_doc = Document(public_id="dupkey01", source_id="test/dup", title="Read twice",
                       links=good.document.links, texts=(twice, twice))
    bad = ParsedDocument(bad_doc, good.authorities)
    summary = ImportSummary()
    store_batch(SourceBatch(batch.path, batch.format, batch.collections, [bad, good]), ctx, summary)
    assert summary.imported == 1 and stored_idents(app) == {"test-bundle/2"}
    ((_, reason),) = _failed(summary)
    assert "unique" in reason.lower() or "duplicate" in reason.lower()
    counts = row_counts(app)
    assert (counts["documents"], counts["text_versions"], counts["revisions"]) == (1, 1, 1)
    assert counts["document_links"] == len(good.document.links)


def _keyed_bundle(folder: Path, name: str, n: int) -> Path:
    manifest = {"format": "chancery-bundle", "version": 1,
                "collections": [{"key": "test-box", "title": "Test box"}],
                "authorities": [{"ref": "who", "key": "person/smith", "kind": "person", "name": name}]}
    return write_bundle(folder, {"doc": bundle_document(n, authors=["who"])}, manifest)


def test_an_authority_key_taken_by_another_record_does_not_sink_the_batch(
        app: App, tmp_path: Path) -> None:
    """A bundle whose authority carries a key the archive already gives to someone else lands
    with a record of its own; the stored record keeps its key and name."""
    first = run_import(app, _keyed_bundle(tmp_path / "a", "Smith, Anne", 1))
    second = run_import(app, _keyed_bundle(tmp_path / "b", "Jones, Bob", 2))
    assert (first.imported, second.imported, second.failed) == (1, 1, [])
    records = archive_records(app)
    (smith,) = records["test-bundle/1"]["links"]
    (jones,) = records["test-bundle/2"]["links"]
    assert (smith["key"], smith["name"]) == ("person/smith", "Smith, Anne")
    assert jones["name"] == "Jones, Bob" and jones["key"] != "person/smith"
