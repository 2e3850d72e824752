"""Corrections the public is told of: "Corrected on DATE: NOTE" on a document's page, in its
API record and OAI-PMH record, and in the "revised DATE" of its citations, so a historian who
cited the document can see that, when and (from the note) what changed.

A correction is a change of the fields of a document the public could read at the time it
was made: an approved pending revision (an editor's or a re-import's), a revert, any other
change a reviewer wrote straight to a public document. Not a correction: workflow steps and
embargoes (the publication alone), putting a document in a collection (its arrangement, not
its record), anything done while the public could not read the document (a draft, a
document in review, withdrawn or embargoed), an import that updates a document nobody edited
(the source changed, not the archive's record of it), and redactions, which say so
themselves ("Redacted on …")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from chancery.domain.documents import Document
from chancery.domain.publication import Publication, is_public
from chancery.domain.redactions import LINK_PREFIX, Redaction, redact_words
from chancery.domain.workflow import Refused

MAX_NOTE = 1000  # characters: a sentence or two on what was corrected, not an essay
# fields whose change alone is no correction of the record (see the module's docstring)
NOT_CORRECTIONS = frozenset({"publication", "collections"})


@dataclass(frozen=True)
class Correction:
    """A correction as the public may know it: when, and the public note ("" for none)."""

    at: datetime
    note: str = ""


@dataclass(frozen=True)
class PublicChange:
    """A line of a document's "Changes" list: Redacted or Corrected, on which day, and what
    the public is told (a redaction's reason and what kind of thing it withholds, or a
    correction's note)."""

    day: date | None
    kind: str  # "redacted" or "corrected"
    text: str
    withheld: str = ""  # a redaction's kind: "text", a field's name, "link" or "scan"


def public_note(text: str | None) -> str | None:
    """A note as kept (white space folded), None for none; Refused when it is too long."""
    if text is None:
        return None
    note = " ".join(text.split())
    if len(note) > MAX_NOTE:
        raise Refused(f"a public note is at most {MAX_NOTE} characters (this one has "
                      f"{len(note)})")
    return note


def correction_note(before: Publication, today: date, changes: dict[str, Any],
                    note: str | None) -> str | None:
    """What a revision keeps as its public note: the note ("" for none) when the change
    corrects a document the public could read, None when it is no correction."""
    if not is_public(before, today) or not set(changes) - NOT_CORRECTIONS:
        return None
    return public_note(note) or ""


def revised_on(days: Iterable[date | None]) -> date | None:
    """The latest of the days a public record changed (its corrections and redactions)."""
    known = [d for d in days if d is not None]
    return max(known) if known else None


def changes_list(corrections: Iterable[Correction],
                 redactions: Iterable[tuple[datetime | None, str, str]]) -> list[PublicChange]:
    """A document's Changes, newest first: its corrections and its redactions in force
    (each as (when, reason, kind))."""
    out: list[tuple[datetime | None, PublicChange]] = [
        (c.at, PublicChange(c.at.date(), "corrected", c.note)) for c in corrections]
    out += [(at, PublicChange(at.date() if at else None, "redacted", reason, kind))
            for at, reason, kind in redactions]
    out.sort(key=lambda pair: _moment(pair[0]), reverse=True)
    return [change for _, change in out]


def _moment(at: datetime | None) -> datetime:
    """A time to sort by: UTC (SQLite gives times back without their zone), unknown first."""
    if at is None:
        return datetime.min.replace(tzinfo=UTC)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def masked(corrections: list[Correction], doc: Document, live: list[Redaction],
           names: dict[str, list[str]]) -> list[Correction]:
    """The corrections with whatever the redactions in force withhold taken out of their
    notes (a note written before a redaction may name what it now withholds): their words,
    a whole field's value, a withheld record's names (``names``: by record key)."""
    # the longest first: a withheld name goes whole, not around a shorter withheld word in it
    withheld = sorted(((words, r.reason) for r in live for words in _withheld(doc, r, names)),
                      key=lambda pair: -len(pair[0]))
    out = []
    for c in corrections:
        note = c.note
        for words, reason in withheld:
            note = redact_words(note, words, reason)
        out.append(Correction(c.at, note))
    return out


def withheld_phrases(doc: Document, live: list[Redaction],
                     names: dict[str, list[str]]) -> list[str]:
    """Every run of words the redactions in force withhold (their words, a whole field's
    value, a withheld record's names), for what repeats them elsewhere (a scan's words)."""
    return [words for words, _ in withheld_runs(doc, live, names)]


def withheld_runs(doc: Document, live: list[Redaction],
                  names: dict[str, list[str]]) -> list[tuple[str, str]]:
    """``withheld_phrases`` each with the reason of the redaction that withholds it, for the
    mark a text shows where they were."""
    return [(words, r.reason) for r in live if r.in_force for words in _withheld(doc, r, names)]


def _withheld(doc: Document, r: Redaction, names: dict[str, list[str]]) -> list[str]:
    if r.text:
        return [r.text]
    if r.field.startswith(LINK_PREFIX):
        return [n for n in names.get(r.field[len(LINK_PREFIX):], []) if n.strip()]
    p = doc.provenance
    whole = {"title": [doc.title], "summary": [doc.summary],
             "date": [doc.date.display, doc.date.note],
             "classification": [doc.classification.marking],
             "source_note": [p.source_note], "reference_code": [p.reference_code]}
    return [v for v in whole.get(r.field, []) if v.strip()]
