"""The OCR stage's output in the catalogue: the machine-read text as one text version of its
document, and the words with their boxes (storage/words.py), written in one transaction with
a revision saying what was read, and a new change number so the search index reads it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, select

from chancery.domain.ocr import MADE_BY
from chancery.domain.records import text_record
from chancery.domain.revisions import Revision
from chancery.domain.texts import TextKind, TextVersion
from chancery.domain.words import PageWords
from chancery.storage import rows
from chancery.storage.moves import touch_documents
from chancery.storage.tables import documents, revisions, text_versions
from chancery.storage.words import replace_words, word_layers


class SqlOcrTexts:
    """Machine-read texts and word layers of documents, on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def public_id(self, document_id: int) -> str | None:
        """The public id of a stored document, None when there is none with that id."""
        with self.engine.connect() as conn:
            found = conn.execute(select(documents.c.public_id)
                                 .where(documents.c.id == document_id)).scalar()
        return str(found) if found is not None else None

    def store(self, document_id: int, text: TextVersion | None, pages: Sequence[PageWords],
              source: str, revision: Revision) -> bool:
        """Replace what the stage stored before for the document with this text (None: no
        text) and these words; False when they are what is stored already (nothing is
        written: running the stage again changes nothing)."""
        with self.engine.begin() as conn:
            ours = _ours(conn, document_id)
            if _same(conn, document_id, ours, text, pages):
                return False
            conn.execute(delete(text_versions).where(text_versions.c.id.in_([r.id for r in ours])))
            if text is not None:
                conn.execute(insert(text_versions).values(_text_row(conn, document_id, text)))
            replace_words(conn, document_id, pages, source)
            conn.execute(insert(revisions).values(rows.revision_row(document_id, revision)))
            touch_documents(conn, [document_id], revision.at)
        return True


def _ours(conn: Connection, document_id: int) -> list[Any]:
    q = select(text_versions).where(and_(
        text_versions.c.document_id == document_id, text_versions.c.kind == TextKind.OCR.value,
        text_versions.c.made_by.startswith(MADE_BY)))
    return list(conn.execute(q))


def _same(conn: Connection, document_id: int, ours: list[Any], text: TextVersion | None,
          pages: Sequence[PageWords]) -> bool:
    stored = [(r.key, r.body, r.made_by, r.confidence) for r in ours]
    wanted = [] if text is None else [(_free_key(conn, document_id, text.version_key, ours),
                                       text.body, text.made_by, text.confidence)]
    if stored != wanted:
        return False
    q = select(word_layers.c.media, word_layers.c.page, word_layers.c.words).where(
        word_layers.c.document_id == document_id).order_by(word_layers.c.media, word_layers.c.page)
    before = [(r.media, r.page, r.words) for r in conn.execute(q)]
    return before == [(p.media, p.page, [[w.text, w.x, w.y, w.w, w.h, round(w.confidence, 1)]
                                         for w in p.words]) for p in pages]


def _free_key(conn: Connection, document_id: int, key: str, ours: list[Any]) -> str:
    """The key, or one made unique beside the document's other texts ("en-ocr-2": a text
    someone imported as OCR keeps its own)."""
    taken = set(conn.execute(select(text_versions.c.key)
                             .where(text_versions.c.document_id == document_id)).scalars())
    taken -= {r.key for r in ours}
    found, n = key, 1
    while found in taken:
        n += 1
        found = f"{key}-{n}"
    return found


def _text_row(conn: Connection, document_id: int, text: TextVersion) -> dict[str, Any]:
    last = conn.execute(select(func.max(text_versions.c.position))
                        .where(text_versions.c.document_id == document_id)).scalar()
    rec = text_record(text)
    rec["key"] = _free_key(conn, document_id, text.version_key, [])
    return {"document_id": document_id, "position": (last if last is not None else -1) + 1,
            "confidence": None, **rec}
