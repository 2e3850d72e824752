"""Suggested metadata for a file or a stored document: the pipeline's findings, and the
shape `chancery suggest --json` prints. The pipeline and the file reader are handed in by
bootstrap.py (suggest/ is content in, findings out); a stored document is read through the
access rule, with its redactions applied: no redacted word may become a suggestion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chancery.domain.ocr import MADE_BY
from chancery.domain.readers import Reader
from chancery.domain.suggestions import SINGLE, Finding, Kind
from chancery.domain.texts import NoteKind, TextKind, TextVersion
from chancery.storage.interface import Catalogue

# text, language given ("" to detect) -> findings
Pipeline = Callable[[str, str], list[Finding]]
ReadFile = Callable[[Path], str]  # raises ValueError with a readable message


@dataclass(frozen=True)
class Suggestions:
    """What the stages found in one source (a file's path or a document's id)."""

    source: str
    findings: list[Finding]

    def of(self, kind: Kind) -> list[Finding]:
        """The findings of one kind, surest first for a kind a document has one of."""
        found = [f for f in self.findings if f.kind is kind]
        return sorted(found, key=lambda f: -f.confidence) if kind in SINGLE else found

    def as_json(self) -> dict[str, object]:
        """The keys of `chancery suggest --json`, each value with its confidence."""
        return {"language": _single(self.of(Kind.LANGUAGE), _value),
                "date": _single(self.of(Kind.DATE), _date),
                "classification": _single(self.of(Kind.CLASSIFICATION), _marking),
                "type": _single(self.of(Kind.TYPE), _value),
                "from": [_name(f) for f in self.of(Kind.FROM)],
                "to": [_name(f) for f in self.of(Kind.TO)],
                "people": [_name(f) for f in self.of(Kind.PERSON)],
                "organizations": [_name(f) for f in self.of(Kind.ORGANIZATION)],
                "places": [_name(f) for f in self.of(Kind.PLACE)],
                "relations": [_relation(f) for f in self.of(Kind.RELATION)],
                "summary": _single(self.of(Kind.SUMMARY), _value)}


def _single(found: list[Finding], shape: Callable[[Finding], dict[str, object]]) -> object:
    return shape(found[0]) if found else None


def _value(f: Finding) -> dict[str, object]:
    return {"value": f.value, "confidence": f.confidence}


def _date(f: Finding) -> dict[str, object]:
    return {key: f.data.get(key, "") for key in ("display", "start", "end", "precision")} | {
        "confidence": f.confidence}


def _marking(f: Finding) -> dict[str, object]:
    return {"marking": f.data.get("marking", f.value), "level": f.data.get("level", ""),
            "confidence": f.confidence}


def _name(f: Finding) -> dict[str, object]:
    shaped: dict[str, object] = {"name": f.value, "confidence": f.confidence}
    if f.authority_key:
        shaped["authority"] = f.authority_key
    if role := f.data.get("role"):
        shaped["role"] = role
    return shaped


def _relation(f: Finding) -> dict[str, object]:
    return {"type": f.data.get("relation", ""), "reference": f.data.get("reference", f.value),
            "evidence": f.evidence, "confidence": f.confidence}


class Suggesting:
    """Suggestions for files and stored documents, through one pipeline."""

    def __init__(self, catalogue: Catalogue | None, pipeline: Pipeline, read_file: ReadFile) -> None:
        self.catalogue, self.pipeline, self.read_file = catalogue, pipeline, read_file

    def for_text(self, text: str, source: str = "", language: str = "") -> Suggestions:
        """The findings on a text."""
        return Suggestions(source, self.pipeline(text, language))

    def for_file(self, path: Path) -> Suggestions:
        """The findings on a text file or a PDF's own text layer; ValueError when unreadable."""
        return self.for_text(self.read_file(path), str(path))

    def for_document(self, ident: str, reader: Reader) -> Suggestions | None:
        """The findings on a stored document's text as the public would read it (its
        redactions applied), or None when the reader may not see it."""
        if self.catalogue is None:
            raise LookupError("no archive to read documents from")
        r = Reader.of(reader)
        stored = self.catalogue.get_document(ident.strip(), r.actor, r.today)
        if stored is None:
            return None
        document = stored.public().document
        text = _text_of(document.texts)
        if text is None:
            return Suggestions(document.public_id, [])
        return self.for_text(document_text(text), document.public_id, text.language)


def _text_of(texts: tuple[TextVersion, ...]) -> TextVersion | None:
    """The text to read: the original, else the OCR, else a translation."""
    order = {TextKind.ORIGINAL: 0, TextKind.OCR: 1, TextKind.TRANSLATION: 2}
    return min(texts, key=lambda t: order.get(t.kind, 3), default=None)


def document_text(text: TextVersion) -> str:
    """A text version's body, then its footnotes ("[1] ..."), as the stages read it. A text
    the OCR stage wrote has a blank line only between pages (each page is its lines), so
    there the blank line is a page break again: the stages that find cover pages and the end
    of a file's first document read pages ("\f", as a PDF's text layer gives them). The text
    itself cannot keep "\f": XML 1.0, and so TEI and OAI-PMH, has no such character."""
    body = text.body
    if text.kind is TextKind.OCR and text.made_by.startswith(MADE_BY):
        body = body.replace("\n\n", "\n\f")
    notes = [f"[{n.mark}] {n.text}" for n in text.notes if n.kind is NoteKind.FOOTNOTE]
    return "\n\n".join([body, *notes])
