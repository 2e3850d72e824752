"""The OCR stage on a real scan: page 3 of a 1963 CIA dispatch (104-10007-10345), a
distribution list naming Djakarta. Its own text layer is stored when asked (mode never), the
page is read again by Tesseract where the layer is poor (mode auto: 58% dictionary words),
the words land where the page shows them, a run repeated changes nothing, and the reading
room shows the scan before the machine-read text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.publication import Actor
from chancery.domain.texts import TextKind
from chancery.domain.words import Word, page_text, reading_order
from chancery.services import search
from chancery.services.clock import today
from chancery.services.imports import import_paths
from chancery.storage.tables import documents, revisions
from chancery.storage.words import SqlWordLayers
from chancery.suggest.sources import read_text
from chancery.web.server import create_app
from tests.conftest import CORPUS, need

DISPATCH = CORPUS / "scans" / "104-10007-10345_ocr.pdf"


def _one_page(page: int, target: Path) -> Path:
    with pikepdf.open(DISPATCH) as src:
        out = pikepdf.new()
        out.pages.append(src.pages[page - 1])
        out.save(target)
    return target


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[tuple[App, int]]:
    """A SQLite archive holding the Djakarta page as a published scan with no text."""
    need(DISPATCH.is_file(), f"scans not found at {DISPATCH}")
    _one_page(3, tmp_path / "distribution.pdf")
    (tmp_path / "box.csv").write_text(
        "id,title,files,state\ndjakarta,Dispatch distribution list,distribution.pdf,published\n")
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    assert not import_paths([tmp_path / "box.csv"], app.import_context()).failed
    with app.catalogue.engine.connect() as conn:
        doc_id = conn.execute(select(documents.c.id)).scalar_one()
    yield app, doc_id
    app.close()


def _found(app: App, text: str) -> list[str]:
    search.refresh_index(app.catalogue, app.index)
    return [h.public_id for h in app.search.documents(text, actor=Actor.PUBLIC).results.hits]


def _word(app: App, doc_id: int, text: str) -> Word:
    return next(w for p in SqlWordLayers(app.catalogue.engine).pages(doc_id) for w in p.words
                if w.text.startswith(text))


def test_search_finds_djakarta_once_the_scans_own_text_is_stored(
        archive: tuple[App, int]) -> None:
    """Before the stage the scan is not found by its words; after it, it is, through an
    "English (OCR)" version that says it came from the PDF's own text layer."""
    app, doc_id = archive
    assert _found(app, "Djakarta") == []
    app.ocr.run(doc_id, {"mode": "never"})
    assert _found(app, "Djakarta") == ["djakarta"]
    text = app.catalogue.get_document("djakarta", Actor.PUBLIC, today()).document.texts[0]
    assert (text.kind, text.shown_label, text.confidence) == (TextKind.OCR, "English (OCR)", None)
    assert "text layer" in text.made_by
    word = _word(app, doc_id, "Djakarta")
    assert 1000 < word.x < 2000 and word.y > 1000  # right column, lower half of a 2000-wide page
    (page,) = SqlWordLayers(app.catalogue.engine).pages(doc_id)
    scan = app.catalogue.get_document("djakarta", Actor.PUBLIC, today()).document.media[0]
    assert [(page.width, page.height)] == app.pages.sizes(scan.sha256, scan.media_type)


def test_the_stored_text_is_the_layer_read_by_line_as_suggestions_read_it(
        archive: tuple[App, int], tmp_path: Path) -> None:
    """The text stored from the layer is the page read by line (a form's labels beside their
    values), the same text `chancery suggest` reads from the file and the benchmark scores."""
    app, doc_id = archive
    app.ocr.run(doc_id, {"mode": "never"})
    text = app.catalogue.get_document("djakarta", Actor.PUBLIC, today()).document.texts[0]
    assert text.body == read_text(_one_page(3, tmp_path / "page.pdf")).strip()
    (page,) = SqlWordLayers(app.catalogue.engine).pages(doc_id)
    assert list(page.words) == reading_order(page.words)


def test_a_poor_layer_is_read_again_with_boxes_where_the_layer_has_them(
        archive: tuple[App, int]) -> None:
    """In mode auto the page's layer (58% dictionary words) is read again by Tesseract: the
    text carries a mean confidence, and the box Tesseract gives Djakarta (image pixels) and
    the one the PDF's layer gives it (points) meet on the page once both are put in IIIF
    pixels. A second run writes nothing."""
    app, doc_id = archive
    app.ocr.run(doc_id, {"mode": "never"})
    layer = _word(app, doc_id, "Djakarta")
    app.ocr.run(doc_id, {"mode": "auto", "language": "en"})
    stored = app.catalogue.get_document("djakarta", Actor.EDITOR, today())
    text = stored.document.texts[0]
    assert len(stored.document.texts) == 1 and "tesseract" in text.made_by
    assert text.confidence is not None and 30 < text.confidence <= 100
    read = _word(app, doc_id, "Djakarta")
    assert read.confidence > 0 and read.overlaps(layer.x, layer.y, layer.w, layer.h)
    (page,) = SqlWordLayers(app.catalogue.engine).pages(doc_id)  # Tesseract's, read by line
    assert list(page.words) == reading_order(page.words) and text.body == page_text(page.words)
    assert _found(app, "Djakarta") == ["djakarta"]
    count = select(func.count()).select_from(revisions).where(revisions.c.document_id == doc_id)
    with app.catalogue.engine.connect() as conn:
        before = conn.execute(count).scalar_one()
    app.ocr.run(doc_id, {"mode": "auto", "language": "en"})
    with app.catalogue.engine.connect() as conn:
        assert conn.execute(count).scalar_one() == before


def test_the_reading_room_shows_the_scan_before_the_machine_read_text(
        archive: tuple[App, int]) -> None:
    """The scan's tab and panel come before the OCR text's, which is marked unchecked."""
    app, doc_id = archive
    app.ocr.run(doc_id, {"mode": "never"})
    html = TestClient(create_app(app)).get("/documents/djakarta").text
    tabs = re.findall(r'data-tab="([^"]+)"', html)
    assert tabs[:2] == ["scans", "text-en-ocr"]
    assert html.index('id="scans"') < html.index('id="text-en-ocr"')
    assert "Machine-read from the scan" in html
