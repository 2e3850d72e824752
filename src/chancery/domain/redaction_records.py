"""A redaction as data in an editor's export (a bundle's document file, a CSV cell) and back:
what it covers, why, its state, who made it and when, so that importing the export into
another archive withholds the same things. Never in a public export: the words are here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chancery.domain.redactions import (
    BadRedaction,
    Box,
    Redaction,
    RedactionKind,
    RedactionState,
)


def redaction_record(r: Redaction) -> dict[str, Any]:
    """A redaction as JSON-ready data; a box as [x, y, w, h], fractions of its page, on the
    scan named by its original's hash (the hash an editor's export stores it under)."""
    rec: dict[str, Any] = {"kind": r.kind.value, "reason": r.reason, "state": r.state.value}
    if r.kind is RedactionKind.BOX and r.box is not None:
        rec.update(media=r.media, page=r.page, box=[r.box.x, r.box.y, r.box.w, r.box.h])
    else:
        rec.update({k: v for k, v in (("text", r.text), ("version", r.version),
                                      ("field", r.field)) if v})
    rec.update(by=r.by, at=r.at.isoformat() if r.at else None)
    return rec


def redaction_from_record(rec: dict[str, Any]) -> Redaction:
    """A redaction read from an export; BadRedaction saying what is wrong with it."""
    try:
        kind, state = RedactionKind(rec["kind"]), RedactionState(rec.get("state") or "active")
        reason = " ".join(str(rec["reason"]).split())
        at = datetime.fromisoformat(rec["at"]) if rec.get("at") else None
        box = Box(*(float(v) for v in rec["box"])) if kind is RedactionKind.BOX else None
    except (KeyError, ValueError, TypeError) as exc:
        raise BadRedaction(f"a redaction that cannot be read ({exc!s}): {rec!r}"[:300]) from None
    if not reason:
        raise BadRedaction("a redaction without a reason")
    if state is RedactionState.REMOVED:
        raise BadRedaction("a removed redaction is history, not something to restore")
    return Redaction(kind, reason, str(rec.get("text") or ""), str(rec.get("version") or ""),
                     str(rec.get("field") or ""), str(rec.get("media") or ""),
                     int(rec.get("page") or 0), box, str(rec.get("by") or ""), at, state=state)


def redactions_from_records(items: object) -> tuple[Redaction, ...]:
    """A list of redaction records (a bundle's ``redactions``, a CSV cell's JSON)."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BadRedaction("redactions are a list of records (docs/bundle-format.md)")
    return tuple(redaction_from_record(i) for i in items)


def same_redaction(a: Redaction, b: Redaction) -> bool:
    """Whether two redactions cover the same thing (however they came, whatever their state)."""
    return (a.kind, a.text.lower(), a.version, a.field, a.media, a.page, a.box) == \
        (b.kind, b.text.lower(), b.version, b.field, b.media, b.page, b.box)
