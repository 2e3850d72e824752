"""What a search shows of each hit, read from the index: the hit itself, its snippets (the
passages that matched, highlighted, from the text versions that matched) and, for a search
within one document, its matching paragraphs. search/tantivy_index.py searches; this reads."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import tantivy
from tantivy import Query

from chancery.domain.texts import TextKind
from chancery.search.grammar import Node
from chancery.search.highlight import (
    aligned_snippet,
    fragments,
    han_snippet,
    han_words,
    min_han_run,
)
from chancery.search.interface import Fragment, Hit, IndexDocument, Snippet
from chancery.search.tantivy_schema import BODY_LANGS, RESPELLED, Respell, body_field

SNIPPET_CHARS = 240
def paragraph(searcher: tantivy.Searcher, query: Query, schema: tantivy.Schema,
               doc: tantivy.Document, min_han: int) -> tuple[Fragment, ...]:
    """A matching paragraph highlighted; matched by its corrected reading only, the raw words
    in the places that matched (the reading itself is never shown)."""
    present = doc.to_dict()
    field = next(f for f in present if f.startswith("body_") or f in ("title", "summary"))
    for name in (field, RESPELLED):
        if name not in present:
            continue
        gen = tantivy.SnippetGenerator.create(searcher, query, schema, name)
        gen.set_max_num_chars(100_000)
        snippet = gen.snippet_from_doc(doc)
        ranges = [(h.start, h.end) for h in snippet.highlighted()]
        if ranges and name == field:
            return fragments(snippet.fragment(), ranges, min_han)
        if ranges:
            reading = str(doc.get_first(RESPELLED))
            at = reading.encode().find(snippet.fragment().encode())
            return aligned_snippet(str(doc.get_first(field)), reading,
                                   [(a + at, b + at) for a, b in ranges], 100_000)
    return ()


def paragraph_docs(item: IndexDocument, respell: Respell | None) -> list[tantivy.Document]:
    """One small document per paragraph: id "<version>#<n>", ordered by date_sort = n; an
    OCR paragraph with its corrected reading beside it, as the main index has it."""
    d = item.document
    names = tuple(name for n in item.names for name in n.names)
    parts = [("title", "title", d.title, ""), ("summary", "summary", d.summary, "")]
    for t in d.texts:
        ocr = t.language if t.kind is TextKind.OCR and respell else ""
        parts += [(body_field(t.language), t.version_key, p, ocr)
                  for p in [*t.paragraphs, *(n.text for n in t.notes)]]
    out = []
    for n, (field, version, text, ocr) in enumerate(parts):
        if text.strip():
            doc = tantivy.Document()
            doc.add_text("id", f"{version}#{n}")
            doc.add_text(field, text)
            reading = respell(text, ocr, names) if respell and ocr else text
            if reading != text:
                doc.add_text(RESPELLED, reading)
            doc.add_text("pub_state", "published")
            doc.add_integer("date_sort", n)
            out.append(doc)
    return out


class Snippets:
    """Snippet generators per text field, made once per search."""

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema, query: Query,
                 tree: Node) -> None:
        self.searcher, self.schema, self.query = searcher, schema, query
        self.min_han, self.han_words = min_han_run(tree), han_words(tree)
        self._made: dict[str, Any] = {}

    def _generator(self, field: str) -> Any:
        if field not in self._made:
            gen = tantivy.SnippetGenerator.create(self.searcher, self.query, self.schema, field)
            gen.set_max_num_chars(SNIPPET_CHARS)
            self._made[field] = gen
        return self._made[field]

    def _fragments(self, doc: tantivy.Document, field: str) -> tuple[Fragment, ...]:
        if field == "body_zh" and self.han_words:
            return han_snippet(str(doc.get_first(field) or ""), self.han_words, SNIPPET_CHARS // 2)
        snippet = self._generator(field).snippet_from_doc(doc)
        ranges = [(h.start, h.end) for h in snippet.highlighted()]
        return fragments(snippet.fragment(), ranges, self.min_han) if ranges else ()

    def for_doc(self, doc: tantivy.Document, texts: list[list[str]],
                meta_respelled: list[list[Any]]) -> tuple[Snippet, ...]:
        """Up to two snippets from the text versions that matched."""
        out = []
        fields = [f"body_{lang}" for lang in BODY_LANGS] + ["summary"]
        present = set(doc.to_dict())
        for field in fields:
            if field not in present:
                continue
            shown = self._fragments(doc, field)
            if any(f.highlighted for f in shown):
                lang = field.removeprefix("body_")
                key = next((k for k, lg in texts if lg.split("-")[0] == lang), field)
                out.append(Snippet(key, lang if field != "summary" else "", shown))
            if len(out) == 2:
                break
        if not out and RESPELLED in present:
            out += self._respelled(doc, meta_respelled)
        return tuple(out)

    def _respelled(self, doc: tantivy.Document, where: list[list[Any]]) -> list[Snippet]:
        """A hit found only by the corrected reading of its OCR: the raw words in the place
        that matched, never the corrected ones."""
        snippet = self._generator(RESPELLED).snippet_from_doc(doc)
        ranges = [(h.start, h.end) for h in snippet.highlighted()]
        # the generator reads the field's values joined by a space; find the fragment there
        readings = [str(v) for v in doc.get_all(RESPELLED)]
        joined = " ".join(readings).encode()
        at = joined.find(snippet.fragment().encode())
        if not ranges or at < 0 or len(where) != len(readings):
            return []
        start = at + ranges[0][0]
        for reading, (field, nth, key) in zip(readings, where, strict=True):
            size = len(reading.encode())
            if start < size:
                raw = str(doc.get_all(field)[nth])
                moved = [(s + at, e + at) for s, e in ranges]
                shown = aligned_snippet(raw, reading, moved, SNIPPET_CHARS)
                return [Snippet(key, field.removeprefix("body_"), shown)] if shown else []
            start, at = start - size - 1, at - size - 1
        return []


def hit_of(doc: tantivy.Document, key: Any, snippets: Snippets | None,
         matched_by: str) -> Hit:
    meta = json.loads(bytes(doc.get_first("hit") or b"{}"))
    public_id = str(doc.get_first("id"))
    start = date.fromisoformat(meta["start"]) if meta["start"] else None
    return Hit(public_id=public_id, source_id=meta["source_id"],
               title=meta["title"], date_display=meta["date"], date_start=start,
               doc_type=meta["type"], classification=meta["marking"], level=meta["level"],
               score=float(key) if isinstance(key, float) else 0.0,
               snippets=snippets.for_doc(doc, meta["texts"], meta.get("respelled", []))
               if snippets else (),
               scan=meta.get("scan", ""),  # an index made before scans were kept has none
               matched_by=matched_by)
