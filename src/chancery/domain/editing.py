"""Editing a document's record by hand: which fields an editor may change, how a partial
change is merged into the record, what each field must hold (with a message per field for the
form), the field-level diff a revision keeps, and a pending revision of a published document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from chancery.domain.authorities import AuthorityKind, Role
from chancery.domain.classification import Level
from chancery.domain.dates import FuzzyDate, Precision, parse_iso_date
from chancery.domain.declassification import FIELD_LENGTH, release_day
from chancery.domain.documents import DocumentType
from chancery.domain.records import Record, date_from_record, date_record
from chancery.domain.relations import RelationType
from chancery.domain.texts import TextKind
from chancery.domain.workflow import Refused

# the fields an editor changes; the others are the workflow's, the scans page's or the ids
EDITABLE = ("title", "number", "type", "date", "summary", "classification", "links", "texts",
            "provenance", "collections", "relations", "releases")
_FIXED = {"public_id": "the public id names the document and does not change",
          "source_id": "the source id is the import's and does not change",
          "media": "scans are added, reordered and removed with the scans, not the record",
          "publication": "the state changes through the workflow (submit, publish, withdraw) "
                         "and embargo commands"}
_PROVENANCE = ("holding_archive", "collection", "reference_code", "publishing_archive",
               "source_note", "rights", "url", "archive_place")
MAX_TITLE = 2000  # characters: a title, not a text
MAX_RELATION_TARGET = 300  # relations.target


class Invalid(Exception):
    """Fields that do not hold what they must: field path ("date", "texts.0.language",
    "links.2.ref") -> a message for the person editing. Nothing was stored."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class Conflict(Refused):
    """The document (or its pending revision) changed since the editor read it."""

    def __init__(self, by: str, at: datetime | None) -> None:
        at = stamp(at)
        when = f" at {at.strftime('%Y-%m-%d %H:%M:%S')} UTC" if at else ""
        super().__init__(f"{by} changed this document{when}, after you opened it; reload it "
                         "to see their change, then make yours again")
        self.by, self.at = by, at


@dataclass(frozen=True)
class Pending:
    """A change to a published document (or an import that met workspace edits) waiting for
    a reviewer: the whole record as it would be, who proposed it, when, and why."""

    document_id: int
    record: Record  # a document_record whose links name authority keys
    author: str  # an account's email, the local operator, or "import:<format>"
    comment: str
    created_at: datetime
    updated_at: datetime  # the stamp for optimistic locking of later edits
    content_hash: str = ""  # an import's: the source's hash, stored with it when approved
    authors: tuple[str, ...] = ()  # everyone who put something in it (none may approve it)
    public_note: str | None = None  # the note its editors propose for the public, if any

    @property
    def from_import(self) -> bool:
        """Whether a re-import proposed it (its scans are the source's, not the editor's)."""
        return self.author.startswith("import:")


@dataclass(frozen=True)
class NewAuthority:
    """A link that names no record yet: the record to make from the name typed."""

    index: int  # its position in the links
    name: str
    kind: AuthorityKind


def stamp(at: datetime | None) -> datetime | None:
    """A stored time as UTC with its zone (SQLite gives it back without one)."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def same_moment(a: datetime | None, b: datetime | None) -> bool:
    """Whether two stamps name the same moment, whichever store or client they came from."""
    return stamp(a) == stamp(b)


def merged(current: Record, changes: Record) -> tuple[Record, dict[str, str]]:
    """The record with the changes made; provenance merges field by field (``--set rights=…``
    keeps the holding archive), every other field is replaced whole."""
    errors: dict[str, str] = {}
    out = dict(current)
    for name, value in changes.items():
        if name in _FIXED:
            errors[name] = _FIXED[name]
        elif name in _PROVENANCE or name == "funders":
            out["provenance"] = {**(out.get("provenance") or {}), name: value}
        elif name == "provenance" and isinstance(value, dict):
            out["provenance"] = {**(out.get("provenance") or {}), **value}
        elif name in EDITABLE:
            out[name] = value
        else:
            errors[name] = "not a field of a document"
    return out, errors


def checked(record: Record) -> tuple[Record, list[NewAuthority], dict[str, str]]:
    """The record in its stored shape (a printed date read, a marking classified), the
    authority records its links ask to create, and the fields that are not right."""
    errors: dict[str, str] = {}
    out = dict(record)
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        errors["title"] = "a document needs a title"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"a title is at most {MAX_TITLE} characters"
    else:
        out["title"] = title.strip()
    for name in ("number", "summary"):
        if not isinstance(record.get(name) or "", str):
            errors[name] = "give text"
    out["type"] = _type(record.get("type"), errors)
    out["date"] = _date(record.get("date"), errors)
    out["classification"] = _classification(record.get("classification"), errors)
    _check_provenance(record.get("provenance"), errors)
    _check_texts(record.get("texts"), errors)
    out["collections"] = _collections(record.get("collections"), errors)
    _check_relations(record.get("relations"), errors)
    # as document_record has it: no key for no release history (else a diff of nothing)
    out.pop("releases", None)
    if releases := _releases(record.get("releases"), errors):
        out["releases"] = releases
    links, new = _links(record.get("links"), errors)
    out["links"] = links
    return out, new, errors


def _type(value: Any, errors: dict[str, str]) -> str:
    text = str(value or "other").strip().lower().replace("_", "-")
    for t in DocumentType:
        if text in (t.value, t.value.replace("-", " ")):
            return t.value
    errors["type"] = "not a document type; one of " + ", ".join(t.value for t in DocumentType)
    return text


def _date(value: Any, errors: dict[str, str]) -> Any:
    try:
        if isinstance(value, str):
            return date_record(parse_printed_date(value))
        if value is None or isinstance(value, dict):
            return date_record(date_from_record(value))
    except (ValueError, KeyError, TypeError):
        pass
    errors["date"] = ("not a date; write it as printed (18 July 1960, July 1960) or as "
                      "1960-07-18, 1960-07, 1960, 1950s, ca. 1962 or 1958/1960")
    return value


def _classification(value: Any, errors: dict[str, str]) -> Any:
    if isinstance(value, str) or value is None:
        return {"marking": value or ""}
    if not isinstance(value, dict):
        errors["classification"] = "give the marking as printed"
        return value
    level = value.get("level")
    if level and level not in {lv.value for lv in Level}:
        errors["classification.level"] = ("not a classification level; one of "
                                          + ", ".join(lv.value for lv in Level))
    return value


def _check_provenance(value: Any, errors: dict[str, str]) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        errors["provenance"] = "give the holding archive, reference code and the like"
        return
    for name, v in value.items():
        if name == "funders":
            if not isinstance(v, list) or not all(isinstance(f, str) for f in v):
                errors["provenance.funders"] = "give the funders as a list of names"
        elif name not in _PROVENANCE:
            errors[f"provenance.{name}"] = "not a field of the provenance"
        elif not isinstance(v or "", str):
            errors[f"provenance.{name}"] = "give text"


def _check_texts(value: Any, errors: dict[str, str]) -> None:
    if not _is_list(value, "texts", errors):
        return
    keys: set[str] = set()
    kinds = {k.value for k in TextKind}
    for i, t in enumerate(value or []):
        if not isinstance(t, dict):
            errors[f"texts.{i}"] = "give a text version's language, kind and body"
            continue
        language = str(t.get("language") or "").strip()
        if not language:
            errors[f"texts.{i}.language"] = "a text version needs its language (en, ru, de…)"
        kind = t.get("kind") or "original"
        if kind not in kinds:
            errors[f"texts.{i}.kind"] = "not a kind of text; one of " + ", ".join(sorted(kinds))
        key = str(t.get("key") or f"{language}-{kind}")
        if key in keys:
            errors[f"texts.{i}.key"] = (f"another text version has the key {key!r}; give "
                                        "each version its own key (en-original, en-ocr…)")
        keys.add(key)


def _collections(value: Any, errors: dict[str, str]) -> Any:
    if not _is_list(value, "collections", errors):
        return value
    out = []
    for i, m in enumerate(value or []):
        key = m if isinstance(m, str) else (m.get("key") if isinstance(m, dict) else None)
        if not isinstance(key, str) or not key.strip():
            errors[f"collections.{i}"] = "give the collection's key"
            continue
        position = m.get("position", 0) if isinstance(m, dict) else 0
        if not isinstance(position, int):
            errors[f"collections.{i}.position"] = "give the order as a whole number"
            continue
        out.append({"key": key.strip(), "position": position})
    return out


def _check_relations(value: Any, errors: dict[str, str]) -> None:
    if not _is_list(value, "relations", errors):
        return
    types = {t.value for t in RelationType}
    for i, r in enumerate(value or []):
        if not isinstance(r, dict):
            errors[f"relations.{i}"] = "give the relation's type and the other document"
            continue
        if r.get("type") not in types:
            errors[f"relations.{i}.type"] = "not a relation; one of " + ", ".join(sorted(types))
        target = r.get("target")
        if not isinstance(target, str) or not target.strip():
            errors[f"relations.{i}.target"] = "name the other document by its id"
        elif len(target) > MAX_RELATION_TARGET:
            errors[f"relations.{i}.target"] = f"an id is at most {MAX_RELATION_TARGET} characters"


def _releases(value: Any, errors: dict[str, str]) -> Any:
    """The release history, each part's white space folded; a message per part that is not
    right (a date that is not YYYY, YYYY-MM or YYYY-MM-DD, a part over the length kept)."""
    if not _is_list(value, "releases", errors):
        return value
    out = []
    for i, r in enumerate(value or []):
        if not isinstance(r, dict):
            errors[f"releases.{i}"] = "give a release's date, agency, authority and note"
            continue
        row = {k: " ".join(str(r.get(k) or "").split())
               for k in ("released", "agency", "authority", "note")}
        try:
            row["released"] = release_day(row["released"])
        except ValueError:
            errors[f"releases.{i}.released"] = ("not a release date; write 2025, 2017-10 or "
                                                "2017-10-26")
        for k in ("agency", "authority", "note"):
            if len(row[k]) > FIELD_LENGTH:
                errors[f"releases.{i}.{k}"] = f"at most {FIELD_LENGTH} characters"
        if not (row["released"] or row["agency"] or row["authority"]):
            errors[f"releases.{i}.released"] = ("a release needs its date, the agency or "
                                                "programme, or the authority")
        out.append(row)
    return out


def _links(value: Any, errors: dict[str, str]) -> tuple[Any, list[NewAuthority]]:
    if not _is_list(value, "links", errors):
        return value, []
    out, new = [], []
    roles, kinds = {r.value for r in Role}, {k.value for k in AuthorityKind}
    for i, lk in enumerate(value or []):
        if not isinstance(lk, dict):
            errors[f"links.{i}"] = "give the record's key (or a name and kind) and a role"
            continue
        if lk.get("role") not in roles:
            errors[f"links.{i}.role"] = "not a role; one of " + ", ".join(sorted(roles))
        ref, name = str(lk.get("ref") or "").strip(), str(lk.get("name") or "").strip()
        if not ref and not name:
            errors[f"links.{i}.ref"] = "pick an authority record, or give a name to make one"
        elif not ref and lk.get("kind") not in kinds:
            errors[f"links.{i}.kind"] = "a new record needs its kind: " + ", ".join(sorted(kinds))
        elif not ref:
            new.append(NewAuthority(i, name, AuthorityKind(str(lk["kind"]))))
        out.append({"ref": ref, "role": lk.get("role"),
                    "as_written": str(lk.get("as_written") or "")})
    return out, new


def _is_list(value: Any, name: str, errors: dict[str, str]) -> bool:
    if value is None or isinstance(value, list):
        return True
    errors[name] = "give a list"
    return False


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\.?\s+([a-z]+)\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?,?\s+(\d{4})$")


def _month(word: str) -> int | None:
    """1 for "January" or "Jan"; None for a word that names no month."""
    if len(word) < 3:
        return None
    found = [n for n, m in enumerate(_MONTHS, start=1) if m.startswith(word)]
    return found[0] if len(found) == 1 else None


def parse_printed_date(text: str) -> FuzzyDate:
    """A date as a document prints it ("18 July 1960", "July 18, 1960", "July 1960") or in
    ISO form; the printed form is kept for display. ValueError when it is neither."""
    shown = " ".join(text.split())
    lowered = shown.lower()
    if m := _DAY_MONTH_YEAR.match(lowered):
        day, month, year = int(m[1]), _month(m[2]), int(m[3])
    elif m := _MONTH_DAY_YEAR.match(lowered):
        day, month, year = int(m[2]), _month(m[1]), int(m[3])
    elif (m := _MONTH_YEAR.match(lowered)) and _month(m[1]):
        return parse_iso_date(f"{m[2]}-{_month(m[1]):02d}", shown)
    else:
        return parse_iso_date(shown) if shown else FuzzyDate()
    if month is None:
        raise ValueError(f"not a month: {shown!r}")
    day_ = date(year, month, day)  # ValueError for 31 June
    return FuzzyDate(shown, day_, day_, Precision.DAY)


def diff(before: Record, after: Record) -> dict[str, list[Any]]:
    """The top-level fields that differ, as {field: [old, new]}, links included (both sides
    name authority keys)."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
