"""A suggestion as the workspace keeps it (a stage's finding, with what an editor decided),
and how an accepted one becomes a field of the document's record: the partial record that
services/editing merges and checks like any other edit, and the note its revision carries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chancery.domain.authorities import AuthorityKind, Role
from chancery.domain.records import Record
from chancery.domain.suggestions import Decision, Finding, Kind
from chancery.domain.texts import TextKind
from chancery.domain.workflow import Refused

# the role a name of each kind is linked in, and the kind of record a new name makes
LINKED = {Kind.FROM: (Role.AUTHOR, AuthorityKind.PERSON),
          Kind.TO: (Role.RECIPIENT, AuthorityKind.PERSON),
          Kind.PERSON: (Role.MENTIONED, AuthorityKind.PERSON),
          Kind.ORGANIZATION: (Role.MENTIONED, AuthorityKind.ORGANIZATION),
          Kind.PLACE: (Role.PLACE_MENTIONED, AuthorityKind.PLACE)}
# the order the workspace shows the kinds in: the record's fields first, then the lists
ORDER = (Kind.DATE, Kind.CLASSIFICATION, Kind.TYPE, Kind.FROM, Kind.TO, Kind.PERSON,
         Kind.ORGANIZATION, Kind.PLACE, Kind.RELATION, Kind.SUMMARY, Kind.LANGUAGE,
         Kind.RELEASE)
MAX_CORRECTION = 2000  # characters of a value an editor types instead of the suggested one


@dataclass(frozen=True)
class Suggestion:
    """A stored finding of one document and what became of it."""

    id: int
    document_id: int
    finding: Finding
    decision: Decision = Decision.OPEN
    decided_by: str = ""
    decided_at: datetime | None = None
    corrected: str = ""  # the value the editor put in its place (decision CORRECTED)

    @property
    def is_open(self) -> bool:
        """Whether no one has decided on it yet."""
        return self.decision is Decision.OPEN


def same_finding(a: Finding, b: Finding) -> bool:
    """Whether two findings suggest the same thing (a stage run again finds it again)."""
    return identity(a) == identity(b)


def identity(f: Finding) -> tuple[str, str, str]:
    """What tells one suggestion from another: its kind, its value as folded, and the
    record or document it names."""
    return (f.kind.value, " ".join(f.value.casefold().split()),
            f.authority_key or str(f.data.get("target", "")))


def note(suggestions: Sequence[Suggestion], corrected: str = "") -> str:
    """What the revision says of the suggestions it took ("from suggestion: date 18 Jul 63,
    0.92, stage date/1"); a correction names the value put in its place."""
    parts = []
    for s in suggestions:
        f = s.finding
        instead = f" corrected to {corrected}" if corrected else ""
        stage = f", stage {f.stage}" if f.stage else ""
        parts.append(f"{f.kind.value} {_short(f.value)}{instead}, {f.confidence:.2f}{stage}")
    word = "suggestion" if len(parts) == 1 else "suggestions"
    return f"from {word}: " + "; ".join(parts)


def _short(text: str, most: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"


def changes(record: Record, finding: Finding, corrected: str = "",
            corrected_key: str = "") -> Record:
    """The fields of ``record`` (the document's record as an editor opens it) that taking
    the finding changes; ``corrected``: the value an editor typed instead; for a name,
    ``corrected_key`` the record it names ("" makes one). Refused when it cannot apply."""
    value = " ".join((corrected or finding.value).split())
    if not value:
        raise Refused("a suggestion needs a value to go into the record")
    if len(value) > MAX_CORRECTION:
        raise Refused(f"a value is at most {MAX_CORRECTION} characters")
    data = {} if corrected else dict(finding.data)
    if finding.kind in LINKED:
        key = corrected_key if corrected else finding.authority_key
        return {"links": _linked(record, finding, value, key)}
    return _FIELDS[finding.kind](record, value, data)


def _date(record: Record, value: str, data: dict[str, str]) -> Record:
    if data.get("start") or data.get("precision"):  # the stage read it: keep its precision
        return {"date": {"display": data.get("display") or value, "start": data.get("start"),
                         "end": data.get("end") or data.get("start"),
                         "precision": data.get("precision") or "day"}}
    return {"date": value}  # as printed: editing reads it, or says how to write it


def _classification(record: Record, value: str, data: dict[str, str]) -> Record:
    level = data.get("level", "")
    return {"classification": {"marking": data.get("marking") or value,
                               **({"level": level} if level else {})}}


def _type(record: Record, value: str, data: dict[str, str]) -> Record:
    return {"type": data.get("type") or value}


def _summary(record: Record, value: str, data: dict[str, str]) -> Record:
    return {"summary": value}


def _relation(record: Record, value: str, data: dict[str, str]) -> Record:
    target = data.get("target") or value  # corrected: the other document's id, typed
    kind = data.get("type") or "related"
    row = {"type": kind, "target": target, "note": ""}
    current = list(record.get("relations") or [])
    if any(r.get("type") == kind and r.get("target") == target for r in current):
        return {"relations": current}
    return {"relations": [*current, row]}


def _release(record: Record, value: str, data: dict[str, str]) -> Record:
    """A release stamp goes into the release history, never the document's date."""
    row = {"released": data.get("released") or data.get("date") or "",
           "agency": data.get("agency") or "", "authority": data.get("authority") or value,
           "note": data.get("note") or ""}
    current = list(record.get("releases") or [])
    return {"releases": current if row in current else [*current, row]}


def _language(record: Record, value: str, data: dict[str, str]) -> Record:
    """The machine-read text versions take the language, and so do the scans that have
    none (what OCR reads them in next time); a version an editor or a source gave, and a
    scan's language given at import, keep their own. ``media`` is the scans list editing
    takes apart from the record."""
    language = (data.get("language") or value).strip()
    texts = [dict(t) for t in record.get("texts") or []]
    read = [t for t in texts if t.get("kind") == TextKind.OCR.value]
    media = [dict(m) for m in record.get("media") or []]
    unset = [m for m in media if not m.get("language")]
    if not read and not unset:
        raise Refused("this document has no OCR text version or scan without a language to "
                      "give it to; set the language of its texts in the editor")
    for row in (*read, *unset):
        row["language"] = language
    return {**({"texts": texts} if read else {}), **({"media": media} if unset else {})}


def _linked(record: Record, finding: Finding, name: str, key: str) -> list[Any]:
    role, kind = LINKED[finding.kind]
    links = [dict(lk) for lk in record.get("links") or []]
    if key and any(lk.get("ref") == key and lk.get("role") == role.value for lk in links):
        return links  # linked so already: taking it again changes nothing
    written = " ".join(finding.evidence.split())[:300] or name
    if key:
        return [*links, {"ref": key, "role": role.value, "as_written": written}]
    made = str(finding.data.get("kind") or kind.value)
    return [*links, {"ref": "", "name": name, "kind": made, "role": role.value,
                     "as_written": written}]


_FIELDS = {Kind.DATE: _date, Kind.CLASSIFICATION: _classification, Kind.TYPE: _type,
           Kind.SUMMARY: _summary, Kind.RELATION: _relation, Kind.RELEASE: _release,
           Kind.LANGUAGE: _language}
