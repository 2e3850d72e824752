"""Word layers in the catalogue (migration 0020): the words OCR or a PDF's text layer read on
each scan page, with their boxes, so search hits can be drawn on the page and a IIIF viewer can
search inside a scan. Kept in the catalogue (not only on one node's disk) so that every web
machine and every backup has them; replaced whole per document when its scans are read again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    insert,
    select,
)

from chancery.domain.words import PageWords, Word
from chancery.storage.replicas import ReadRouting, page_reads
from chancery.storage.tables import metadata

word_layers = Table(
    "word_layers", metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("media", Integer, nullable=False),  # index of the scan in the document's media
    Column("page", Integer, nullable=False),  # 1-based
    Column("width", Integer, nullable=False),  # the page's full size in IIIF pixels
    Column("height", Integer, nullable=False),
    Column("source", String(40), nullable=False),  # "text-layer", "tesseract 5.3 eng"
    # [[text, x, y, w, h, confidence], ...] in reading order: compact, read whole per page
    Column("words", JSON, nullable=False),
    PrimaryKeyConstraint("document_id", "media", "page", name="pk_word_layers"),
)


def _row(document_id: int, page: PageWords, source: str) -> dict[str, Any]:
    return {"document_id": document_id, "media": page.media, "page": page.page,
            "width": page.width, "height": page.height, "source": source[:40],
            "words": [[w.text, w.x, w.y, w.w, w.h, round(w.confidence, 1)] for w in page.words]}


def _page(row: Any) -> PageWords:
    words = tuple(Word(str(t), row.page, int(x), int(y), int(w), int(h), float(c), row.media)
                  for t, x, y, w, h, c in row.words)
    return PageWords(row.media, row.page, row.width, row.height, words)


def pages_of(conn: Connection, document_ids: Sequence[int]) -> dict[int, list[PageWords]]:
    """The pages of words of these documents, each in order ({} for none asked)."""
    found: dict[int, list[PageWords]] = {}
    if not document_ids:
        return found
    q = (select(word_layers).where(word_layers.c.document_id.in_(document_ids))
         .order_by(word_layers.c.document_id, word_layers.c.media, word_layers.c.page))
    for row in conn.execute(q):
        found.setdefault(row.document_id, []).append(_page(row))
    return found


def replace_words(conn: Connection, document_id: int, pages: Sequence[PageWords],
                  source: str) -> None:
    """A document's word layer replaced within the caller's transaction (the OCR stage
    stores its text and its words together)."""
    conn.execute(delete(word_layers).where(word_layers.c.document_id == document_id))
    if pages:
        conn.execute(insert(word_layers), [_row(document_id, p, source) for p in pages])


class SqlWordLayers:
    """The word layers of documents, on the catalogue's engine."""

    def __init__(self, engine: Engine, reads: ReadRouting | None = None) -> None:
        self.engine = engine
        self._page_read = page_reads(engine, reads)  # a page's reads: the request's connection

    def replace(self, document_id: int, pages: Sequence[PageWords], source: str) -> None:
        """Store a document's pages of words, dropping what was read before (one transaction:
        a reader sees the old layer or the new one, never half of each)."""
        with self.engine.begin() as conn:
            replace_words(conn, document_id, pages, source)

    def pages(self, document_id: int, media: int | None = None) -> list[PageWords]:
        """A document's pages of words (of one scan, when ``media`` is given), in order. No
        access rule here: callers are services that apply it (and the redactions) first."""
        query = select(word_layers).where(word_layers.c.document_id == document_id)
        if media is not None:
            query = query.where(word_layers.c.media == media)
        with self._page_read() as conn:
            rows = conn.execute(query.order_by(word_layers.c.media, word_layers.c.page)).all()
        return [_page(r) for r in rows]

    def source(self, document_id: int) -> str:
        """Where the document's words came from ("" when it has none)."""
        with self._page_read() as conn:
            found = conn.execute(select(word_layers.c.source)
                                 .where(word_layers.c.document_id == document_id).limit(1)).first()
        return str(found[0]) if found else ""
