"""Documents and authorities as plain JSON-ready records: the shape of bundles, ``show --json``
and the content hash that tells an unchanged re-import from an update."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from chancery.domain.authorities import Authority, AuthorityKind, Link, NameVariant, Role, VariantSource
from chancery.domain.classification import Classification, Level, classify_marking
from chancery.domain.collections import Membership
from chancery.domain.dates import FuzzyDate, Precision, parse_iso_date
from chancery.domain.declassification import release_from_record, release_record
from chancery.domain.documents import Document, parse_document_type
from chancery.domain.media import MediaFile
from chancery.domain.provenance import Provenance
from chancery.domain.publication import Publication, PublicationState
from chancery.domain.relations import Relation, RelationType
from chancery.domain.texts import Note, NoteKind, TextKind, TextVersion

Record = dict[str, Any]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def date_record(d: FuzzyDate) -> Record:
    """A fuzzy date as a record."""
    return {"display": d.display, "start": _iso(d.start), "end": _iso(d.end),
            "precision": d.precision.value, "note": d.note}


def date_from_record(rec: Record | str | None) -> FuzzyDate:
    """A fuzzy date from a record or an ISO-like string (raises ValueError when malformed)."""
    if not rec:
        return FuzzyDate()
    if isinstance(rec, str):
        return parse_iso_date(rec)
    display, note = str(rec.get("display") or ""), str(rec.get("note") or "")
    if rec.get("value"):
        return parse_iso_date(str(rec["value"]), display, note)
    start = date.fromisoformat(rec["start"]) if rec.get("start") else None
    end = date.fromisoformat(rec["end"]) if rec.get("end") else start
    precision = Precision(rec.get("precision") or ("day" if start else "unknown"))
    return FuzzyDate(display or (_iso(start) or ""), start, end, precision, note)


def text_record(t: TextVersion) -> Record:
    """A text version as a record (with its body); the confidence only when there is one,
    so that records (and the content hashes of imports) made before it stay as they were."""
    rec: Record = {"key": t.version_key, "language": t.language, "kind": t.kind.value,
                   "label": t.label, "translators": list(t.translators), "made_by": t.made_by,
                   "body": t.body,
                   "notes": [{"mark": n.mark, "text": n.text, "kind": n.kind.value}
                             for n in t.notes]}
    if t.confidence is not None:
        rec["confidence"] = t.confidence
    return rec


def text_from_record(rec: Mapping[Any, Any]) -> TextVersion:
    """A text version from a record."""
    notes = tuple(Note(str(n.get("mark", "")), str(n["text"]), NoteKind(n.get("kind", "footnote")))
                  for n in rec.get("notes") or [])
    return TextVersion(language=str(rec["language"]), kind=TextKind(rec.get("kind", "original")),
                       body=str(rec.get("body") or ""), key=str(rec.get("key") or ""),
                       label=str(rec.get("label") or ""),
                       translators=tuple(rec.get("translators") or ()),
                       made_by=str(rec.get("made_by") or ""), notes=notes,
                       confidence=None if rec.get("confidence") is None
                       else float(rec["confidence"]))


def authority_record(a: Authority) -> Record:
    """An authority record as a plain record."""
    return {"kind": a.kind.value, "name": a.name, "ref": a.ref, "key": a.key,
            "description": a.description, "source_ids": list(a.source_ids),
            "variants": [{"name": v.name, "source": v.source.value, "language": v.language,
                          "scheme": v.scheme} for v in a.variants]}


def authority_from_record(rec: Record) -> Authority:
    """An authority from a plain record; variants may be plain strings."""
    variants = []
    for v in rec.get("variants") or []:
        if isinstance(v, str):
            variants.append(NameVariant(v, VariantSource.EDITOR))
        else:
            variants.append(NameVariant(str(v["name"]), VariantSource(v.get("source", "editor")),
                                        str(v.get("language") or ""), str(v.get("scheme") or "")))
    return Authority(kind=AuthorityKind(rec.get("kind", "person")), name=str(rec["name"]),
                     ref=str(rec.get("ref") or rec.get("key") or ""), key=str(rec.get("key") or ""),
                     description=str(rec.get("description") or ""), variants=tuple(variants),
                     source_ids=tuple(rec.get("source_ids") or ()))


def _classification_record(c: Classification) -> Record:
    return {"marking": c.marking, "level": c.level.value, "caveats": list(c.caveats)}


def _classification_from(rec: Record | str | None) -> Classification:
    if not rec:
        return Classification()
    if isinstance(rec, str):
        return classify_marking(rec)
    found = classify_marking(str(rec.get("marking") or ""))
    level = Level(rec["level"]) if rec.get("level") else found.level
    caveats = tuple(rec["caveats"]) if rec.get("caveats") is not None else found.caveats
    return Classification(found.marking, level, caveats)


def document_record(doc: Document, with_bodies: bool = True) -> Record:
    """A document as a record; ``with_bodies=False`` leaves text bodies out (bundles write
    them to files of their own)."""
    texts = [text_record(t) for t in doc.texts]
    if not with_bodies:
        for t in texts:
            t.pop("body")
    p = doc.provenance
    return {
        "public_id": doc.public_id, "source_id": doc.source_id, "number": doc.number,
        "title": doc.title, "type": doc.doc_type.value, "date": date_record(doc.date),
        "summary": doc.summary, "classification": _classification_record(doc.classification),
        "links": [{"ref": lk.ref, "role": lk.role.value, "as_written": lk.as_written}
                  for lk in doc.links],
        "texts": texts,
        "media": [_media_record(m) for m in doc.media],
        "provenance": {"holding_archive": p.holding_archive, "collection": p.collection,
                       "reference_code": p.reference_code,
                       "publishing_archive": p.publishing_archive, "source_note": p.source_note,
                       "rights": p.rights, "funders": list(p.funders), "url": p.url,
                       # only when given: records (and their hashes) without it stay as they were
                       **({"archive_place": p.archive_place} if p.archive_place else {})},
        "collections": [{"key": m.collection_key, "position": m.position}
                        for m in doc.collections],
        "relations": [{"type": r.type.value, "target": r.target, "note": r.note}
                      for r in doc.relations],
        "publication": {"state": doc.publication.state.value,
                        "embargo_until": _iso(doc.publication.embargo_until)},
        # only when there are some: records (and their hashes) without them stay as they were
        **({"releases": [release_record(r) for r in doc.releases]} if doc.releases else {}),
    }


def _media_record(m: MediaFile) -> Record:
    # the language only when given: records (and their hashes) without it stay as they were
    return {"sha256": m.sha256, "filename": m.filename, "media_type": m.media_type,
            "size": m.size, "pages": m.pages, "label": m.label,
            **({"language": m.language} if m.language else {})}


def _str(rec: Record, name: str) -> str:
    value = rec.get(name)
    return "" if value is None else str(value)


def _provenance_from(prov: Record) -> Provenance:
    text = {k: str(v or "") for k, v in prov.items()
            if k in Provenance.__dataclass_fields__ and k != "funders"}
    funders = tuple(str(f) for f in prov.get("funders") or ())
    return replace(Provenance(), funders=funders, **text)


def document_from_record(rec: Record) -> Document:
    """A document from a record (raises KeyError/ValueError on a malformed one)."""
    prov = rec.get("provenance") or {}
    pub = rec.get("publication") or {}
    embargo = pub.get("embargo_until")
    return Document(
        public_id=_str(rec, "public_id"), source_id=_str(rec, "source_id"),
        number=_str(rec, "number"), title=str(rec["title"]),
        doc_type=parse_document_type(_str(rec, "type") or "other"),
        date=date_from_record(rec.get("date")), summary=_str(rec, "summary"),
        classification=_classification_from(rec.get("classification")),
        links=tuple(Link(str(lk["ref"]), Role(lk["role"]), str(lk.get("as_written") or ""))
                    for lk in rec.get("links") or []),
        texts=tuple(text_from_record(t) for t in rec.get("texts") or []),
        media=tuple(MediaFile(str(m["sha256"]), str(m["filename"]), str(m["media_type"]),
                              int(m["size"]), int(m.get("pages") or 1), str(m.get("label") or ""),
                              str(m.get("language") or ""))
                    for m in rec.get("media") or []),
        provenance=_provenance_from(prov),
        collections=tuple(Membership(str(m["key"]), int(m.get("position") or 0))
                          for m in rec.get("collections") or []),
        relations=tuple(Relation(RelationType(r["type"]), str(r["target"]), str(r.get("note") or ""))
                        for r in rec.get("relations") or []),
        publication=Publication(PublicationState(pub.get("state") or "published"),
                                date.fromisoformat(str(embargo)) if embargo else None),
        releases=tuple(release_from_record(r) for r in rec.get("releases") or []),
    )


def content_hash(doc: Document, authorities: list[Authority]) -> str:
    """A hash of everything an import writes for a document, to skip unchanged re-imports."""
    payload = {"doc": document_record(doc),
               "auth": sorted((authority_record(a) for a in authorities), key=lambda r: r["ref"])}
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()
