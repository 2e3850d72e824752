"""The document editor's form, both ways: a record as the form's fields, and the posted fields
as the record editing checks. Every input is named by its path in the record ("title",
"date.start", "texts.0.language", "links.2.ref"), the same path editing's per-field errors
(``Invalid.errors``) use, so an error finds its field. Lists are numbered rows; a row left
blank is dropped, so the rows' numbers in the form and in the record may differ: ``Rows``
maps one to the other."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from chancery.domain.authorities import AuthorityKind, Role
from chancery.domain.classification import Level
from chancery.domain.dates import Precision
from chancery.domain.documents import DocumentType
from chancery.domain.editing import parse_printed_date
from chancery.domain.records import Record, date_record
from chancery.domain.relations import RelationType
from chancery.domain.texts import TextKind

Values = dict[str, str]  # input name -> value as shown or posted

PROVENANCE = (("holding_archive", "Holding archive"), ("collection", "Collection or fonds"),
              ("reference_code", "Reference code"), ("rights", "Rights"),
              ("publishing_archive", "Publishing archive"), ("archive_place", "Archive's place"),
              ("url", "Source's page (URL)"), ("source_note", "Source note, as printed"))
# the link sections of the form, in order: role, heading, what the picker looks for
LINK_ROLES = ((Role.AUTHOR, "Authors"), (Role.RECIPIENT, "Recipients"), (Role.SIGNER, "Signers"),
              (Role.MENTIONED, "People and organizations mentioned"),
              (Role.ORIGIN, "Place written"), (Role.PLACE_MENTIONED, "Places mentioned"),
              (Role.SUBJECT, "Subjects"), (Role.TRANSLATOR, "Translators"))
CHOICES = {
    "type": [(t.value, t.value.replace("-", " ")) for t in DocumentType],
    "precision": [("", "from the dates")] + [(p.value, p.value) for p in Precision],
    "level": [("", "from the marking")] + [(lv.value, lv.value.replace("_", " ")) for lv in Level],
    "text_kind": [(k.value, k.value) for k in TextKind],
    "relation": [(r.value, r.label) for r in RelationType],
    "kind": [("", "pick an existing record")] + [(k.value, f"make a new {k.value} record")
                                                  for k in AuthorityKind],
}
LISTS = ("links", "texts", "collections", "relations", "releases", "media")
# an error about a whole list item or a field without an input of its own: the input it
# belongs beside
_ANCHORS = {"date": "date.display", "classification": "classification.marking",
            "provenance": "provenance.holding_archive", "links": "links", "media": "scans",
            "texts": "texts", "collections": "collections", "relations": "relations",
            "releases": "releases"}
_ROW_FIRST = {"links": "ref", "texts": "language", "collections": "key", "relations": "target",
              "releases": "released", "media": "label"}
_ROW = re.compile(r"^(links|texts|collections|relations|releases|media)\.(\d+)(?:\.(\w+))?$")
# a release's parts, as the record names them (a row's inputs are "releases.N.released"…)
RELEASE_PARTS = ("released", "agency", "authority", "note")
@dataclass
class Rows:
    """Which form row each record row came from, per list ({"links": [3, 0, 5]}), to put an
    error about the record's links.1 beside the form's links.0."""

    rows: dict[str, list[int]] = field(default_factory=dict)

    def form_key(self, key: str) -> str:
        """The form's name for a record's error key."""
        found = _ROW.match(key)
        if not found or found[1] not in self.rows:
            return key
        listed = self.rows[found[1]]
        n = int(found[2])
        form_row = listed[n] if n < len(listed) else n
        return f"{found[1]}.{form_row}" + (f".{found[3]}" if found[3] else "")


# hidden inputs: an error about one is shown beside the row's first visible input
_HIDDEN = {("texts", "key"), ("links", "role"), ("links", "pick"), ("media", "file"),
           ("relations", "pick")}


def anchor(key: str) -> str:
    """The input an error is shown beside (its id is ``field_id`` of this)."""
    found = _ROW.match(key)
    if found and (not found[3] or (found[1], found[3]) in _HIDDEN):
        return f"{found[1]}.{found[2]}.{_ROW_FIRST[found[1]]}"
    return _ANCHORS.get(key, key)


def field_id(name: str) -> str:
    """An input's id from its name ("texts.0.body" -> "f-texts-0-body")."""
    return "f-" + re.sub(r"[^\w-]", "-", name)


def row_numbers(values: Values, name: str) -> list[int]:
    """The numbers of a list's rows present in the form, in order."""
    found = {int(m[1]) for k in values if (m := re.match(rf"^{name}\.(\d+)\.", k))}
    return sorted(found)


# the inputs a person fills in, per list: a row with none of them filled is left out
_TYPED = {"links": ("ref", "pick", "as_written", "kind"),
          "texts": ("key", "language", "label", "translators", "made_by", "body"),
          "collections": ("key", "position"), "relations": ("target", "pick", "note"),
          "releases": RELEASE_PARTS, "media": ("file",)}


def is_blank(values: Values, name: str, row: int) -> bool:
    """Whether nobody typed anything in a row (a select's default is not typing)."""
    return not any(values.get(f"{name}.{row}.{part}", "").strip() for part in _TYPED[name])


# a record as the form shows it

def values_of(record: Record) -> Values:
    """The form's fields for a record (a new document: an empty one)."""
    out: Values = {k: str(record.get(k) or "") for k in ("title", "number", "summary")}
    out["type"] = str(record.get("type") or "other")
    d = record.get("date") or {}
    out.update({f"date.{k}": str(d.get(k) or "") for k in ("display", "start", "end", "note")})
    out["date.precision"] = str(d.get("precision") or "") if d.get("start") else ""
    c = record.get("classification") or {}
    out["classification.marking"] = str(c.get("marking") or "")
    out["classification.level"] = str(c.get("level") or "")
    if out["classification.level"] == Level.UNKNOWN.value:
        out["classification.level"] = ""
    p = record.get("provenance") or {}
    out.update({f"provenance.{k}": str(p.get(k) or "") for k, _ in PROVENANCE})
    out["provenance.funders"] = "\n".join(p.get("funders") or [])
    for i, lk in enumerate(record.get("links") or []):
        out.update({f"links.{i}.role": lk["role"], f"links.{i}.ref": lk["ref"],
                    f"links.{i}.as_written": lk.get("as_written") or ""})
    for i, t in enumerate(record.get("texts") or []):
        out.update({f"texts.{i}.{k}": str(t.get(k) or "")
                    for k in ("key", "language", "kind", "label", "made_by", "body")})
        out[f"texts.{i}.translators"] = "\n".join(t.get("translators") or [])
    for i, m in enumerate(record.get("collections") or []):
        out.update({f"collections.{i}.key": m["key"],
                    f"collections.{i}.position": str(m.get("position") or 0)})
    for i, r in enumerate(record.get("relations") or []):
        out.update({f"relations.{i}.type": r["type"], f"relations.{i}.target": r["target"],
                    f"relations.{i}.note": r.get("note") or ""})
    for i, r in enumerate(record.get("releases") or []):
        out.update({f"releases.{i}.{k}": str(r.get(k) or "") for k in RELEASE_PARTS})
    for i, m in enumerate(record.get("media") or []):
        out.update({f"media.{i}.sha256": m["sha256"], f"media.{i}.label": m.get("label") or "",
                    f"media.{i}.position": str(i + 1)})
    return out


# the posted form as a record

@dataclass
class Posted:
    """The posted form read: the record's fields, errors only the form can find, the rows
    map, and the link and relation rows whose typed words still need resolving."""

    record: Record
    errors: dict[str, str]
    rows: Rows
    spellings: dict[int, str] = field(default_factory=dict)  # record link row -> typed text
    targets: dict[int, str] = field(default_factory=dict)  # record relation row -> typed text


def record_of(values: Values, current: Record) -> Posted:
    """The record the form asks for (``current``: the record it was opened on, whose text
    versions' notes the form does not show and keeps)."""
    errors: dict[str, str] = {}
    rec: Record = {k: values.get(k, "").strip() for k in ("title", "number")}
    rec["summary"] = values.get("summary", "").strip()
    rec["type"] = values.get("type", "other")
    rec["date"] = _date(values, errors)
    rec["classification"] = {"marking": values.get("classification.marking", "").strip(),
                             **_level(values)}
    rec["provenance"] = {k: values.get(f"provenance.{k}", "").strip() for k, _ in PROVENANCE}
    rec["provenance"]["funders"] = _lines(values.get("provenance.funders", ""))
    posted = Posted(rec, errors, Rows())
    _links(values, posted)
    _texts(values, current, posted)
    _collections(values, posted)
    _relations(values, posted)
    _releases(values, posted)
    return posted


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _level(values: Values) -> dict[str, str]:
    level = values.get("classification.level", "").strip()
    return {"level": level} if level else {}


def _date(values: Values, errors: dict[str, str]) -> Any:
    """The date as editing reads it: the sortable span when given, else the printed form
    read for one (its note and precision kept); a string editing refuses when it is not."""
    shown, note = values.get("date.display", "").strip(), values.get("date.note", "").strip()
    start, end = values.get("date.start", "").strip(), values.get("date.end", "").strip()
    precision = values.get("date.precision", "").strip()
    if not start and not end:
        if not shown:
            return {"note": note} if note else None
        try:
            read = date_record(parse_printed_date(shown))
        except ValueError:
            return shown  # editing says what a date may look like, beside the field
        return {**read, "note": note, **({"precision": precision} if precision else {})}
    start, end = start or end, end or start
    first, last = _day(start), _day(end)
    if first and last and first > last:
        errors["date.end"] = "the last day comes before the first; swap them"
    auto = "day" if start == end else "range"
    return {"display": shown or (start if start == end else f"{start}/{end}"), "start": start,
            "end": end, "precision": precision or auto, "note": note}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _links(values: Values, posted: Posted) -> None:
    out: list[Record] = []
    rows: list[int] = []
    for i in row_numbers(values, "links"):
        typed = values.get(f"links.{i}.pick") or values.get(f"links.{i}.ref", "").strip()
        role, kind = values.get(f"links.{i}.role", ""), values.get(f"links.{i}.kind", "")
        if is_blank(values, "links", i):
            continue
        row: Record = {"role": role, "as_written": values.get(f"links.{i}.as_written", "").strip()}
        if kind:
            row.update(ref="", name=typed, kind=kind)
        else:
            row["ref"] = typed
            if typed:
                posted.spellings[len(out)] = typed
        out.append(row)
        rows.append(i)
    posted.record["links"], posted.rows.rows["links"] = out, rows


def _texts(values: Values, current: Record, posted: Posted) -> None:
    notes = {t.get("key"): t.get("notes") or [] for t in current.get("texts") or []}
    out: list[Record] = []
    rows: list[int] = []
    for i in row_numbers(values, "texts"):
        def get(name: str, i: int = i) -> str:
            return values.get(f"texts.{i}.{name}", "")

        if get("remove") or is_blank(values, "texts", i):
            continue
        key = get("key").strip()
        out.append({"key": key, "language": get("language").strip(),
                    "kind": get("kind") or "original", "label": get("label").strip(),
                    "translators": _lines(get("translators")), "made_by": get("made_by").strip(),
                    "body": get("body").replace("\r\n", "\n"), "notes": notes.get(key, [])})
        rows.append(i)
    posted.record["texts"], posted.rows.rows["texts"] = out, rows


def _collections(values: Values, posted: Posted) -> None:
    out: list[Record] = []
    rows: list[int] = []
    for i in row_numbers(values, "collections"):
        key = values.get(f"collections.{i}.key", "").strip()
        if is_blank(values, "collections", i):
            continue
        position: Any = values.get(f"collections.{i}.position", "").strip() or "0"
        out.append({"key": key, "position": int(position) if position.isdigit() else position})
        rows.append(i)
    posted.record["collections"], posted.rows.rows["collections"] = out, rows


def _relations(values: Values, posted: Posted) -> None:
    out: list[Record] = []
    rows: list[int] = []
    for i in row_numbers(values, "relations"):
        typed = values.get(f"relations.{i}.pick") or values.get(f"relations.{i}.target", "").strip()
        if is_blank(values, "relations", i):
            continue
        posted.targets[len(out)] = typed
        out.append({"type": values.get(f"relations.{i}.type", ""), "target": typed,
                    "note": values.get(f"relations.{i}.note", "").strip()})
        rows.append(i)
    posted.record["relations"], posted.rows.rows["relations"] = out, rows


def _releases(values: Values, posted: Posted) -> None:
    """The release history's rows, oldest first as typed; a row ticked for removal or left
    blank is dropped (editing checks each part, its messages come back beside the field)."""
    out: list[Record] = []
    rows: list[int] = []
    for i in row_numbers(values, "releases"):
        if values.get(f"releases.{i}.remove") or is_blank(values, "releases", i):
            continue
        out.append({k: values.get(f"releases.{i}.{k}", "").strip() for k in RELEASE_PARTS})
        rows.append(i)
    posted.record["releases"], posted.rows.rows["releases"] = out, rows
