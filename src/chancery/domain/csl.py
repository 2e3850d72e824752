"""A document as a CSL-JSON item: what every citation style and export is made from.

Archival material is a ``manuscript`` (with ``archive`` and ``archive_location``); a document
printed with a number in a published edition (a FRUS volume) is a ``document`` inside that
volume. The date keeps its real precision: a month is never given a day, an estimate is marked
``circa``, and an undated document has no ``issued`` at all."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from chancery.domain.dates import FuzzyDate, Precision
from chancery.domain.documents import Document
from chancery.domain.texts import TextKind

CslItem = dict[str, Any]


@dataclass(frozen=True)
class Agent:
    """A person or organization as a citation names them (the authority's preferred name)."""

    name: str
    kind: str = "person"  # "person" or "organization"


_LATIN_NAME = re.compile(r"^[^\W\d_][\w'’.\-]*(?: [^\W\d_][\w'’.\-]*){1,3}$")


def csl_name(agent: Agent) -> dict[str, str]:
    """A CSL name. "Herter, Christian A." is split at the comma; a Western name in natural
    order ("Dieter Heinzig") at its last space; anything else (an organization, a name in
    Chinese characters) is kept whole, so no style reorders or abbreviates it wrongly."""
    name = " ".join(agent.name.split())
    if agent.kind != "person":
        return {"literal": name}
    family, comma, given = name.partition(",")
    if comma and family.strip() and given.strip():
        return {"family": family.strip(), "given": given.strip()}
    if _LATIN_NAME.match(name) and all(_is_latin(ch) for ch in name if ch.isalpha()):
        given, _, family = name.rpartition(" ")
        return {"family": family, "given": given}
    return {"literal": name}


def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


def csl_date(date: FuzzyDate) -> dict[str, Any] | None:
    """``issued`` with only the parts the source gives."""
    start, end = date.start, date.end
    if start is None:
        return None
    if date.precision is Precision.DAY:
        return {"date-parts": [[start.year, start.month, start.day]]}
    if date.precision is Precision.MONTH:
        return {"date-parts": [[start.year, start.month]]}
    if date.precision is Precision.CIRCA:
        return {"date-parts": [[start.year]], "circa": True}
    if date.precision in (Precision.RANGE, Precision.DECADE) and end and end.year != start.year:
        return {"date-parts": [[start.year], [end.year]]}
    return {"date-parts": [[start.year]]}


def translators(doc: Document) -> list[str]:
    """Everyone credited with a translation, in order, once each."""
    seen: dict[str, None] = {}
    for t in doc.texts:
        if t.kind is TextKind.TRANSLATION:
            seen.update(dict.fromkeys(t.translators))
    return list(seen)


def _genre(doc: Document) -> str:
    # "Note" is left out when the title already says it ("Note, the Soviet Embassy ...")
    genre = doc.doc_type.value.replace("-", " ").capitalize()
    if doc.doc_type.value in ("other", "catalogue-entry", "editorial-note"):
        return ""
    return "" if doc.title.lower().startswith(genre.lower()) else genre


def csl_item(doc: Document, *, authors: list[Agent], recipients: list[Agent], publisher: str,
             url: str, volume: str = "", revised: date | None = None) -> CslItem:
    """The CSL-JSON item of a document. ``volume`` is the published edition a numbered
    document is printed in; ``publisher`` the archive that publishes it online; ``revised``
    the day the public record last changed (a redaction), if it has."""
    p = doc.provenance
    location = ", ".join(x for x in (p.collection, p.reference_code) if x)
    item: CslItem = {
        "id": doc.public_id,
        "type": "document" if volume and doc.number else "manuscript",
        "title": doc.title.strip(),
        "genre": _genre(doc),
        "author": [csl_name(a) for a in authors],
        "recipient": [csl_name(a) for a in recipients],
        "translator": [csl_name(Agent(t)) for t in translators(doc)],
        "issued": csl_date(doc.date),
        "archive": p.holding_archive,
        "archive_location": location,
        "archive-place": p.archive_place,
        "source": publisher,
        "URL": url,
        "language": (doc.languages or [""])[0],
        "abstract": doc.summary,
        # CSL has no "revised" date: the only variable every style we offer prints near the
        # date without misreading it is "medium" (Chicago: "July 23, 1960, revised November
        # 30, 2026"; APA: "[Telegram; Revised November 30, 2026]"; MLA at the end), where
        # "version" comes out as "Versions revised …" and the dates are not printed at all
        "medium": f"revised {revised:%B} {revised.day}, {revised.year}" if revised else "",
    }
    if volume and doc.number:
        # the edition's publisher, named once (MLA would print "source" a second time)
        item.update({"container-title": volume, "number": doc.number, "publisher": publisher})
        item.pop("source", None)
    return {k: v for k, v in item.items() if v}
