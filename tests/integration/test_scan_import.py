"""Bare scans in: PDF, TIFF (one page or many), JPEG and PNG, alone or in a folder, each one
draft document with its OCR asked for; a CSV's ocr and language columns; the bad files of a
batch (not a PDF, encrypted, an empty TIFF, 2,000 pages) refused by name while the rest land;
and the OCR stage on a multi-page TIFF, naming file and page when one cannot be read."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select
from typer.testing import CliRunner

from chancery.bootstrap import App, build_app, importers
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.domain.jobs import Stage, StageRequest
from chancery.domain.ocr import OcrMode
from chancery.domain.publication import Actor
from chancery.ingest.base import Limits
from chancery.ingest.csvfiles import CsvImporter
from chancery.ingest.scans import ScanImporter
from chancery.services.clock import today
from chancery.services.imports import import_paths
from chancery.services.ocr import OcrFailed
from chancery.storage.tables import documents
from chancery.storage.words import SqlWordLayers
from chancery.web.server import create_app

LIMITS = Limits(256 * 1024 * 1024, 1000)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    built = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    yield built
    built.close()


def _page(text: str) -> Image.Image:
    page = Image.new("L", (1700, 500), 255)
    ImageDraw.Draw(page).text((100, 200), text, font=ImageFont.load_default(size=64), fill=0)
    return page


def _tiff(path: Path, *texts: str) -> Path:
    pages = [_page(t) for t in texts]
    pages[0].save(path, save_all=True, append_images=pages[1:], dpi=(300, 300),
                  compression="tiff_deflate")
    return path


def _pdf(path: Path, pages: int = 1, password: str = "") -> Path:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(612, 792))
    pdf.save(path, encryption=pikepdf.Encryption(user=password, owner="o") if password else False)
    return path


def _box(folder: Path) -> Path:
    folder.mkdir()
    _tiff(folder / "box3_letter.tif", "FIRST PAGE", "SECOND PAGE", "THIRD PAGE")
    _page("A JPEG").save(folder / "photo.jpg")
    _page("A PNG").save(folder / "note.png")
    _pdf(folder / "cable.pdf")
    return folder


def _stored(app: App) -> dict[str, object]:
    found = {}
    for stored in app.catalogue.iter_documents(Actor.EDITOR, today()):
        found[stored.document.title] = stored.document
    return found


def test_a_folder_of_scans_becomes_one_draft_per_file(app: App, tmp_path: Path) -> None:
    """Four files, four drafts titled by their names, a three-page TIFF counted as three."""
    summary = import_paths([_box(tmp_path / "box3")], app.import_context())
    assert (summary.imported, summary.failed) == (4, [])
    stored = _stored(app)
    assert sorted(stored) == ["box3 letter", "cable", "note", "photo"]
    letter = stored["box3 letter"]
    assert letter.source_id == "box3/box3_letter.tif"  # type: ignore[attr-defined]
    assert letter.media[0].pages == 3  # type: ignore[attr-defined]
    assert letter.publication.state.value == "draft"  # type: ignore[attr-defined]


def test_every_page_of_a_tiff_is_served_as_an_image(app: App, tmp_path: Path) -> None:
    """Pages 1-3 of the TIFF render (their sizes known to IIIF), page 4 does not exist."""
    import_paths([_box(tmp_path / "box3")], app.import_context())
    scan = _stored(app)["box3 letter"].media[0]  # type: ignore[attr-defined]
    assert app.pages.sizes(scan.sha256, scan.media_type) == [(1700, 500)] * 3
    assert all(app.pages.image(scan.sha256, scan.media_type, n, 200) for n in (1, 2, 3))
    assert app.pages.image(scan.sha256, scan.media_type, 4, 200) is None


def test_importers_ask_for_ocr_as_the_import_and_the_csv_say(tmp_path: Path) -> None:
    """A bare scan carries the import's mode; a CSV row its own ocr and language cells, else
    the import's; a bad ocr cell fails its row alone, by line."""
    scan = _tiff(tmp_path / "page.tif", "ONE")
    parsed = next(ScanImporter(OcrMode.ALWAYS).read(scan, LIMITS)).documents[0]
    assert parsed.stages == (StageRequest(Stage.OCR, (("mode", "always"),)),)
    _tiff(tmp_path / "page2.tif", "TWO")
    (tmp_path / "box.csv").write_text("title,files,ocr,language\nA,page.tif,never,de\n"
                                      "B,page2.tif,,\nC,page.tif,sometimes,\n")
    batch = next(CsvImporter(OcrMode.ALWAYS).read(tmp_path / "box.csv", LIMITS))
    assert [p.stages[0].options for p in batch.documents] == [
        (("mode", "never"), ("language", "de")), (("mode", "always"),)]
    assert batch.failures[0].item == "line 4" and "auto, always or never" in batch.failures[0].reason


def test_scans_beside_a_csv_are_the_csvs_not_a_document_each(app: App, tmp_path: Path) -> None:
    box = _box(tmp_path / "box3")
    (box / "box3.csv").write_text("title,files\nThe letter,box3_letter.tif\n")
    summary = import_paths([box], app.import_context())
    assert (summary.imported, summary.failed) == (1, [])


def test_bad_scans_are_refused_by_name_and_the_rest_land(app: App, tmp_path: Path) -> None:
    """Not a PDF, an encrypted PDF, an empty TIFF and a 2,000-page PDF (470 KB, within the
    size limit) each fail with their reason; the good scan is imported; and counting 2,000
    pages takes no time (the page tree is read, not the pages)."""
    box = tmp_path / "bad"
    box.mkdir()
    (box / "notes.pdf").write_text("These are my notes, not a PDF.")
    _pdf(box / "locked.pdf", password="secret")
    (box / "empty.tif").write_bytes(b"")
    _pdf(box / "ledger.pdf", pages=2000)
    _page("GOOD").save(box / "good.png")
    started = time.perf_counter()
    summary = import_paths([box], app.import_context())
    assert time.perf_counter() - started < 30
    reasons = {Path(f.path).name: f.reason for f in summary.failed}
    assert summary.imported == 1 and sorted(reasons) == ["empty.tif", "ledger.pdf", "locked.pdf",
                                                         "notes.pdf"]
    assert "not a PDF file" in reasons["notes.pdf"]
    assert "encrypted and needs a password" in reasons["locked.pdf"]
    assert "empty (0 bytes)" in reasons["empty.tif"]
    assert "2,000 pages, over the limit of 1,000" in reasons["ledger.pdf"]


def _doc_id(app: App) -> int:
    with app.catalogue.engine.connect() as conn:
        return int(conn.execute(select(documents.c.id)).scalar_one())


def test_the_ocr_stage_reads_every_page_of_a_tiff(app: App, tmp_path: Path) -> None:
    """Two pages read, each word on its own page, boxes within the page."""
    _tiff(tmp_path / "memo.tif", "FIRST PAGE of the memorandum", "SECOND PAGE about Djakarta")
    import_paths([tmp_path / "memo.tif"], app.import_context())
    app.ocr.run(_doc_id(app), {"mode": "auto", "language": "en"})
    pages = SqlWordLayers(app.catalogue.engine).pages(_doc_id(app))
    assert [(p.page, p.width, p.height) for p in pages] == [(1, 1700, 500), (2, 1700, 500)]
    djakarta = next(w for w in pages[1].words if w.text == "Djakarta")
    assert 100 < djakarta.x < 1700 and 150 < djakarta.y < 300
    text = app.catalogue.get_document(_stored(app)["memo"].public_id,  # type: ignore[attr-defined]
                                      Actor.EDITOR, today()).document.texts[0]
    assert "FIRST PAGE" in text.body and text.body.index("FIRST") < text.body.index("Djakarta")


def test_a_page_that_cannot_be_read_is_named_with_its_file(app: App, tmp_path: Path) -> None:
    """Page 2's image data broken after import: the failure names the file, page 2 and why."""
    scan = _tiff(tmp_path / "memo.tif", "FIRST PAGE", "SECOND PAGE")
    import_paths([scan], app.import_context())
    stored = _stored(app)["memo"].media[0]  # type: ignore[attr-defined]
    blob = app.blobs.path_of(stored.sha256)
    with Image.open(blob) as img:
        img.seek(1)
        offset, length = img.tag_v2[273][0], img.tag_v2[279][0]  # page 2's first strip
    data = bytearray(blob.read_bytes())
    data[offset:offset + length] = b"\x13" * length
    blob.chmod(0o644)
    blob.write_bytes(bytes(data))
    with pytest.raises(OcrFailed, match=r"^memo\.tif, page 2: .*(decod|error)"):
        app.ocr.run(_doc_id(app), {"mode": "auto", "language": "en"})


def test_the_manifest_has_a_canvas_per_tiff_page(app: App, tmp_path: Path) -> None:
    _tiff(tmp_path / "memo.tif", "FIRST PAGE", "SECOND PAGE", "THIRD PAGE")
    import_paths([tmp_path / "memo.tif"], app.import_context())
    public_id = _stored(app)["memo"].public_id  # type: ignore[attr-defined]
    with app.catalogue.engine.begin() as conn:
        conn.execute(documents.update().values(pub_state="published"))
    manifest = TestClient(create_app(app)).get(f"/iiif/3/manifests/{public_id}").json()
    assert len(manifest["items"]) == 3


def test_importers_list_scans_last() -> None:
    """A CSV or a bundle is a surer match than a bare scan."""
    assert [i.name for i in importers()][-1] == "scans"


def test_chancery_import_takes_the_ocr_default_for_every_scan_importer(tmp_path: Path) -> None:
    """--ocr reaches the CSV and scan importers; a value other than the three is refused."""
    built = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    modes = {i.name: getattr(i, "ocr", None) for i in built.import_context(ocr=OcrMode.NEVER).importers}
    built.close()
    assert modes["scans"] is modes["csv"] is OcrMode.NEVER
    scan = _tiff(tmp_path / "memo.tif", "ONE")
    data = ["--data", str(tmp_path / "cli")]
    assert CliRunner().invoke(cli, [*data, "import", "--ocr", "sometimes", str(scan)]).exit_code == 2
    done = CliRunner().invoke(cli, [*data, "import", "--ocr", "never", "--json", str(scan)])
    assert done.exit_code == 0 and '"imported": 1' in done.stdout


def test_the_language_nobody_named_is_detected(app: App, tmp_path: Path) -> None:
    """A German page with no language given: Latin script, a first reading, py3langid among
    the archive's languages says German; the text is "German (OCR)"."""
    _tiff(tmp_path / "vermerk.tif", "Die Bundesregierung hat heute beschlossen,",
          "dass die Verhandlungen fortgesetzt werden")
    import_paths([tmp_path / "vermerk.tif"], app.import_context())
    app.ocr.run(_doc_id(app), {"mode": "auto"})
    stored = app.catalogue.get_document(_stored(app)["vermerk"].public_id,  # type: ignore[attr-defined]
                                        Actor.EDITOR, today())
    assert stored is not None
    assert [(t.language, t.shown_label) for t in stored.document.texts] == [("de", "German (OCR)")]
