"""The archive's house citation, in the form the reference record page uses:

    “Note, the Soviet Embassy in Beijing to the Ministry of Foreign Affairs of the People’s
    Republic of China,” July 18, 1960, History and Public Policy Program Digital Archive,
    Stiftung “Archiv der Parteien …” im Bundesarchiv J IV 2/202/280. Translated by Dieter
    Heinzig and Anna Eckner. The copy of the Russian note is not dated but known from other
    sources.

Parts a record lacks are left out without leaving stray punctuation."""

from __future__ import annotations

from datetime import date

from chancery.domain.csl import translators as credited_translators
from chancery.domain.documents import Document


def _names(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?”\"" else text + "."


def house_citation(doc: Document, archive_name: str, revised: date | None = None) -> str:
    """The house citation of a document; ``archive_name`` stands in when the record names no
    publishing archive; ``revised``: the day the public record last changed (corrected or
    redacted), said last, as the CSL styles say it."""
    title = doc.title.strip().rstrip(".,")
    head = [f"“{title},”"]
    if doc.date.display:
        head.append(doc.date.display.strip().rstrip(".") + ",")
    else:
        head.append("undated,")
    publisher = doc.provenance.publishing_archive or archive_name
    where = " ".join(p for p in (doc.provenance.holding_archive, doc.provenance.reference_code) if p)
    if not where and doc.provenance.source_note:
        where = doc.provenance.source_note.removeprefix("Source:").strip().rstrip(".")
    parts = [" ".join(head), publisher + ("," if where else ".")]
    if where:
        parts.append(_sentence(where))
    translators = credited_translators(doc)
    if translators:
        parts.append(f"Translated by {_names(translators)}.")
    if doc.date.note:
        parts.append(_sentence(doc.date.note))
    if revised:
        parts.append(f"Revised {revised:%B} {revised.day}, {revised.year}.")
    return " ".join(parts)
