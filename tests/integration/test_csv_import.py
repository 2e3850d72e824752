"""CSV + files: the bundled demo scans.csv and a box written here, with scans in the
content-addressed blob store (one copy per content), OCR texts, and re-imports that touch
nothing unchanged. On SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import struct
import zlib
from datetime import date
from pathlib import Path

from chancery.bootstrap import App
from chancery.domain.publication import Actor
from chancery.fileutil import sha256_of
from chancery.services import documents, search
from chancery.services.imports import ImportSummary
from tests.integration.sources import (
    OTHER_PDF,
    PDF,
    SCANS,
    archive_records,
    row_counts,
    run_import,
    stored_idents,
    write_csv,
)

DEMO_CSV = SCANS / "scans.csv"


def _blob_files(app: App) -> list[str]:
    return sorted(p.name for p in app.blobs.root.rglob("*") if p.is_file())


def test_demo_scans_csv_imports_three_cables_with_scans_and_ocr(app: App) -> None:
    """Each row of the demo CSV becomes a document with its record, its OCR text from the
    .txt file, and its PDF scan stored by hash with its page count."""
    summary = run_import(app, DEMO_CSV)
    assert (summary.imported, summary.failed) == (3, [])
    stored = documents.show_document(app.catalogue, "jfk-104-10236-10054", Actor.PUBLIC)
    assert stored is not None
    d = stored.document
    assert (d.source_id, d.doc_type.value) == ("nara-jfk/104-10236-10054", "cable")
    assert d.title == "Cable from Kingston Station on Jamaican concern for Jamaicans resident in Cuba"
    assert (d.date.display, d.date.precision.value, d.date.start, d.date.end) == (
        "October 1962", "month", date(1962, 10, 1), date(1962, 10, 31))
    assert d.date.note == "Month read from the cable's date line in the scan."
    assert (d.classification.marking, d.classification.level.value, d.classification.caveats) == (
        "Secret; Priority", "secret", ("Priority",))
    assert (d.provenance.collection, d.provenance.reference_code) == ("CIA", "104-10236-10054")
    assert d.provenance.holding_archive.startswith("National Archives and Records Administration")
    (text,) = d.texts
    assert (text.language, text.kind.value) == ("en", "ocr")
    assert text.body == (SCANS / "104-10236-10054.txt").read_text(encoding="utf-8").strip()
    (scan,) = d.media
    pdf = SCANS / "104-10236-10054_ocr.pdf"
    assert (scan.filename, scan.media_type, scan.pages) == (pdf.name, "application/pdf", 2)
    assert (scan.sha256, scan.size) == (sha256_of(pdf), pdf.stat().st_size)
    assert app.blobs.verify(scan.sha256)
    roles = {(la.role.value, la.authority.kind.value, la.authority.name) for la in stored.authorities}
    assert roles == {("author", "organization", "Central Intelligence Agency"),
                     ("recipient", "organization", "Central Intelligence Agency"),
                     ("place-mentioned", "place", "Kingston"), ("place-mentioned", "place", "Cuba")}
    assert [c.title for c in stored.collections] == ["JFK Assassination Records (2025 release)"]


def test_demo_scans_csv_reimported_is_unchanged(app: App) -> None:
    """The same CSV again: three unchanged documents, not one row or blob added."""
    run_import(app, DEMO_CSV)
    counts, blobs, before = row_counts(app), _blob_files(app), archive_records(app)
    again = run_import(app, DEMO_CSV)
    assert (again.imported, again.updated, again.unchanged, again.failed) == (0, 0, 3, [])
    assert (row_counts(app), _blob_files(app), archive_records(app)) == (counts, blobs, before)
    assert len(blobs) == 3 and sorted(app.catalogue.media_hashes()) == blobs


def _png() -> bytes:
    """A real one-pixel PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def _box(tmp_path: Path) -> Path:
    """A digitised box: a CSV of four rows beside scans (one PDF under two names, used by
    three rows), a photo, and a transcription file in a subfolder."""
    box = tmp_path / "box-3"
    (box / "scans").mkdir(parents=True)
    shutil.copy(PDF, box / "scans" / "item-1.pdf")
    shutil.copy(PDF, box / "scans" / "item-1-copy.pdf")
    shutil.copy(OTHER_PDF, box / "scans" / "item-2.pdf")
    (box / "scans" / "photo.png").write_bytes(_png())
    (box / "texts").mkdir()
    (box / "texts" / "item-2.txt").write_text("First paragraph.\n\nSecond paragraph.\n", encoding="utf-8")
    common = {"archive": "Test Archive", "fonds": "Ministry of Foreign Affairs", "box": "3",
              "collection": "Box 3", "language": "en"}
    return write_csv(box / "box-3.csv", [
        {**common, "id": "item-1", "title": "Letter from the Minister to the Ambassador",
         "date": "1961-08-13", "authors": "Minister, The", "recipients": "Ambassador, The",
         "text": "Dear Ambassador.", "files": "scans/item-1.pdf; scans/photo.png", "folder": "1",
         "reference": "MFA 12/3", "funders": "A Foundation; Another Foundation"},
        {**common, "id": "item-2", "title": "Report on the border", "type": "report", "date": "1961",
         "text_file": "texts/item-2.txt", "text_kind": "translation", "translators": "A. Person; B. Person",
         "files": "scans/item-2.pdf", "subjects": "Border", "classification": "Top Secret"},
        {**common, "id": "item-3", "title": "Carbon copy of the letter", "text": "Dear Ambassador.",
         "files": "scans/item-1-copy.pdf", "state": "draft", "embargo_until": "2100-01-01"},
        {**common, "id": "item-4", "title": "Second carbon copy", "text": "Copy.",
         "files": "scans/item-1.pdf"},
    ])


def test_a_box_csv_stores_each_scan_once_by_its_content(app: App, tmp_path: Path) -> None:
    """Four rows, five attachments, three distinct contents: the blob store holds three
    files, each verified against its hash, and every media row points at one of them."""
    summary = run_import(app, _box(tmp_path))
    assert (summary.imported, summary.failed) == (4, [])
    assert row_counts(app)["media"] == 5
    blobs = _blob_files(app)
    assert blobs == sorted({sha256_of(PDF), sha256_of(OTHER_PDF), sha256_of(tmp_path / "box-3" /
                                                                             "scans" / "photo.png")})
    assert sorted(app.catalogue.media_hashes()) == blobs
    assert all(app.blobs.verify(h) for h in blobs)


def test_a_box_csv_row_carries_every_column(app: App, tmp_path: Path) -> None:
    """Agents, places, subjects, provenance with box and folder, funders, translators, text
    kinds, types, classification, publication state and embargo all arrive from the CSV."""
    run_import(app, _box(tmp_path))
    records = archive_records(app)
    letter, report, draft = records["box-3/item-1"], records["box-3/item-2"], records["box-3/item-3"]
    assert (letter["type"], letter["date"]["precision"], letter["date"]["start"]) == ("letter", "day",
                                                                                     "1961-08-13")
    assert {(lk["role"], lk["name"]) for lk in letter["links"]} == {
        ("author", "Minister, The"), ("recipient", "Ambassador, The")}
    assert letter["provenance"]["reference_code"] == "MFA 12/3, Box 3, Folder 1"
    assert letter["provenance"]["funders"] == ["A Foundation", "Another Foundation"]
    assert [(m["filename"], m["media_type"]) for m in letter["media"]] == [
        ("item-1.pdf", "application/pdf"), ("photo.png", "image/png")]
    (text,) = report["texts"]
    assert (text["kind"], text["translators"], text["body"]) == (
        "translation", ["A. Person", "B. Person"], "First paragraph.\n\nSecond paragraph.")
    assert (report["type"], report["classification"]["level"]) == ("report", "top_secret")
    assert [(lk["role"], lk["kind"]) for lk in report["links"]] == [("subject", "subject")]
    assert draft["publication"] == {"state": "draft", "embargo_until": "2100-01-01"}
    assert documents.show_document(app.catalogue, "item-3", Actor.PUBLIC) is None
    assert {c["title"] for r in records.values() for c in r["collections"]} == {"Box 3"}


def test_a_box_csv_reimported_after_one_edit_updates_that_row_only(app: App, tmp_path: Path) -> None:
    """Unchanged rows stay untouched; the edited row is updated in place with a revision;
    no scan is stored twice."""
    sheet = _box(tmp_path)
    run_import(app, sheet)
    blobs = _blob_files(app)
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("Second carbon copy", "Second copy"),
                     encoding="utf-8")
    again = run_import(app, sheet)
    assert (again.imported, again.updated, again.unchanged, again.failed) == (0, 1, 3, [])
    stored = documents.show_document(app.catalogue, "item-4", Actor.EDITOR)
    assert stored is not None and stored.document.title == "Second copy"
    assert [r.summary.split()[0] for r in stored.revisions] == ["imported", "updated"]
    assert "title" in stored.revisions[-1].changes
    assert _blob_files(app) == blobs and row_counts(app)["documents"] == 4


def _box_without_ids(tmp_path: Path) -> Path:
    """A box whose CSV has no id column: two scanned rows, one transcribed into a text file."""
    box = tmp_path / "box-4"
    (box / "scans").mkdir(parents=True)
    shutil.copy(PDF, box / "scans" / "a.pdf")
    shutil.copy(OTHER_PDF, box / "scans" / "b.pdf")
    (box / "b.txt").write_text("Transcribed.", encoding="utf-8")
    return write_csv(box / "box-4.csv", [
        {"title": "Letter to the Ambassdor", "files": "scans/a.pdf"},
        {"title": "Report on the border", "files": "scans/b.pdf", "text_file": "b.txt"},
    ])


def test_a_csv_without_ids_keeps_each_document_when_a_title_is_corrected(
        app: App, tmp_path: Path) -> None:
    """A row's identity comes from the files it names, not its title: correcting a typo in a
    title updates that document in place (same public id) instead of adding a second one."""
    sheet = _box_without_ids(tmp_path)
    run_import(app, sheet)
    before = archive_records(app)
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("Ambassdor", "Ambassador"),
                     encoding="utf-8")
    again = run_import(app, sheet)
    assert (again.imported, again.updated, again.unchanged, again.failed) == (0, 1, 1, [])
    after = archive_records(app)
    assert sorted(after) == sorted(before) and row_counts(app)["documents"] == 2
    (letter,) = [r for r in after.values() if r["title"] == "Letter to the Ambassador"]
    assert letter["public_id"] == before[letter["source_id"]]["public_id"]


def _failed(summary: ImportSummary) -> dict[str, str]:
    return {f.item: f.reason for f in summary.failed}


def test_a_row_without_text_keeps_its_language_on_its_scans(app: App, tmp_path: Path) -> None:
    """A scanned Russian letter with no transcription is still Russian: the language lands on
    the scan, in the record, and in the language facet."""
    box = tmp_path / "box"
    box.mkdir()
    shutil.copy(PDF, box / "letter.pdf")
    sheet = write_csv(box / "box.csv", [{"id": "ru-1", "title": "Letter", "language": "ru",
                                         "files": "letter.pdf", "text": "",
                                         "state": "published"}])
    assert run_import(app, sheet).imported == 1
    record = archive_records(app)["box/ru-1"]
    assert [m.get("language") for m in record["media"]] == ["ru"]
    stored = documents.show_document(app.catalogue, "ru-1", Actor.PUBLIC)
    assert stored is not None and stored.document.languages == ["ru"]
    search.rebuild_index(app.catalogue, app.index)
    found = app.search.documents("letter", filters={"language": ("ru",)})
    assert [h.public_id for h in found.results.hits] == ["ru-1"]


def test_one_row_that_is_not_utf8_fails_alone_with_its_line(app: App, tmp_path: Path) -> None:
    """A Latin-1 byte in one row (a quoted value over two lines before it) fails that row,
    named by the line it starts on; the rows before and after it land."""
    sheet = tmp_path / "rows.csv"
    sheet.write_bytes(b"id,title,text\r\n"
                      b'a,First,"Two\r\nlines."\r\n'
                      b"b,Caf\xe9 in Berlin,Text.\r\n"
                      b"c,Third,Text.\r\n")
    summary = run_import(app, sheet)
    assert summary.imported == 2 and stored_idents(app) == {"rows/a", "rows/c"}
    assert _failed(summary) == {
        "line 4": "not UTF-8 text: byte 0xe9 in column 'title' (save the CSV as UTF-8)"}


def test_a_linked_scans_folder_inside_the_box_is_followed(app: App, tmp_path: Path) -> None:
    """A scans folder that is a link to another folder of the box is read; a link that leads
    out of the box is refused as going outside; a missing file, directly or behind a link,
    says it is not found."""
    box, elsewhere = tmp_path / "box", tmp_path / "elsewhere"
    (box / "2024-scans").mkdir(parents=True)
    elsewhere.mkdir()
    shutil.copy(PDF, box / "2024-scans" / "a.pdf")
    shutil.copy(OTHER_PDF, elsewhere / "b.pdf")
    (box / "scans").symlink_to("2024-scans", target_is_directory=True)
    (box / "outside").symlink_to(elsewhere, target_is_directory=True)
    (box / "dangling.pdf").symlink_to(tmp_path / "gone.pdf")
    sheet = write_csv(box / "box.csv", [
        {"id": "in", "title": "Linked in", "files": "scans/a.pdf"},
        {"id": "out", "title": "Linked out", "files": "outside/b.pdf"},
        {"id": "missing", "title": "Missing", "files": "scans/missing.pdf"},
        {"id": "dangling", "title": "Dangling", "files": "dangling.pdf"}])
    summary = run_import(app, sheet)
    assert summary.imported == 1 and stored_idents(app) == {"box/in"}
    assert _failed(summary) == {
        "line 3": "outside/b.pdf is outside the CSV's folder through a link "
                  "(links are followed only within it)",
        "line 4": "scan file not found: scans/missing.pdf",
        "line 5": "scan file not found: dangling.pdf"}
    assert app.catalogue.media_hashes() == [sha256_of(PDF)]


def test_rows_without_a_state_import_as_drafts_and_a_state_column_wins(app: App,
                                                                      tmp_path: Path) -> None:
    """A box of scans is not public until someone reviewed it: a row that says nothing lands
    as a draft (hidden from the public); a row that says `published` is public at once."""
    sheet = write_csv(tmp_path / "box.csv", [
        {"id": "quiet-1", "title": "Letter", "text": "Words.", "state": ""},
        {"id": "said-1", "title": "Letter", "text": "Words.", "state": "published"}])
    assert run_import(app, sheet).imported == 2
    assert documents.show_document(app.catalogue, "quiet-1", Actor.PUBLIC) is None
    assert documents.show_document(app.catalogue, "quiet-1", Actor.EDITOR) is not None
    assert documents.show_document(app.catalogue, "said-1", Actor.PUBLIC) is not None
