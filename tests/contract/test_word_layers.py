"""Word layers on both backends: stored per document and page, replaced whole, read back in
order, and gone with the document."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select

from chancery.bootstrap import App
from chancery.domain.documents import Document
from chancery.domain.revisions import Revision
from chancery.domain.words import PageWords, Word
from chancery.storage.interface import DocumentWrite
from chancery.storage.tables import documents
from chancery.storage.words import SqlWordLayers

REV = Revision(datetime(2026, 11, 30, tzinfo=UTC), "test", "word layers")


def _document(app: App) -> int:
    with app.catalogue.session() as s:
        s.write_documents([DocumentWrite(Document("scan1", "A scan", "t/scan1"), [], "h", REV)])
    with app.catalogue.engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(select(documents.c.id)
                                .where(documents.c.public_id == "scan1")).scalar_one())


def _page(page: int, *words: str) -> PageWords:
    return PageWords(0, page, 2550, 3300, tuple(Word(t, page, 100 * i, 200, 90, 40, 91.5)
                                                for i, t in enumerate(words)))


def test_a_layer_is_replaced_whole_and_read_back_in_page_order(app: App) -> None:
    layers = SqlWordLayers(app.catalogue.engine)
    doc = _document(app)
    layers.replace(doc, [_page(2, "Djakarta"), _page(1, "SECRET", "CITE")], "text-layer")
    pages = layers.pages(doc)
    assert [p.page for p in pages] == [1, 2]
    assert [w.text for w in pages[0].words] == ["SECRET", "CITE"]
    assert pages[0].words[1] == Word("CITE", 1, 100, 200, 90, 40, 91.5, 0)
    assert (pages[0].width, pages[0].height) == (2550, 3300)
    assert layers.source(doc) == "text-layer"
    layers.replace(doc, [_page(1, "MEXICO")], "tesseract")
    assert [[w.text for w in p.words] for p in layers.pages(doc)] == [["MEXICO"]]
    assert layers.pages(doc, media=1) == []


def test_a_layer_goes_with_its_document(app: App) -> None:
    layers = SqlWordLayers(app.catalogue.engine)
    doc = _document(app)
    layers.replace(doc, [_page(1, "SECRET")], "text-layer")
    with app.catalogue.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(delete(documents).where(documents.c.id == doc))
    assert layers.pages(doc) == [] and layers.source(doc) == ""
