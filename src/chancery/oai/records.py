"""OAI-PMH responses as XML: the envelope, headers, and a document in each metadata format
(oai_dc, and ``chancery``: the full record in our own schema, chancery.xsd beside this file)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from chancery.domain.authorities import Role
from chancery.domain.citations import house_citation
from chancery.domain.identifiers import same_as
from chancery.domain.texts import xml_safe
from chancery.oai.protocol import set_spec
from chancery.services.clock import utc_stamp
from chancery.services.documents import StoredDocument
from chancery.services.harvesting import HarvestHeader

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
CHANCERY = "urn:chancery:record:1"
SCHEMA_FILE = Path(__file__).with_name("chancery.xsd")
FORMATS = {  # prefix -> (schema, namespace); the chancery schema is served beside /oai
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC),
    "chancery": ("/oai/chancery.xsd", CHANCERY),
}


def envelope(base_url: str, args: dict[str, str] | None) -> tuple[etree._Element, etree._Element]:
    """The OAI-PMH root and its request element (with the arguments unless they were bad)."""
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    etree.SubElement(root, f"{{{OAI}}}responseDate").text = utc_stamp(datetime.now(UTC))
    request = etree.SubElement(root, f"{{{OAI}}}request")
    request.text = base_url
    for name, value in sorted((args or {}).items()):
        request.set(name, xml_safe(value))
    return root, request


def sub(parent: etree._Element, tag: str, text: str | None = None, ns: str = OAI,
        **attrs: str) -> etree._Element:
    """A child element (text and attributes optional)."""
    el = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: xml_safe(v) for k, v in attrs.items() if v})
    if text is not None:
        el.text = xml_safe(text)
    return el


def header(parent: etree._Element, h: HarvestHeader, identifier: str) -> None:
    """An OAI-PMH header; a withdrawn document is a deleted record."""
    el = sub(parent, "header", status="deleted" if h.deleted else "")
    sub(el, "identifier", identifier)
    sub(el, "datestamp", utc_stamp(h.datestamp))
    for spec in _set_specs(h.collections):
        sub(el, "setSpec", spec)


def _set_specs(keys: tuple[str, ...]) -> list[str]:
    """A record belongs to its collections and every collection above them."""
    out: dict[str, None] = {}
    for key in keys:
        parts = key.split("/")
        out.update(dict.fromkeys(set_spec("/".join(parts[:n])) for n in range(1, len(parts) + 1)))
    return sorted(out)


def _iso_date(s: StoredDocument) -> str:
    d = s.document.date
    if d.start is None:
        return ""
    return {"day": d.start.isoformat(), "month": d.start.strftime("%Y-%m")}.get(
        d.precision.value, str(d.start.year))


def oai_dc(parent: etree._Element, s: StoredDocument, url: str, archive: str) -> None:
    """Simple Dublin Core: the record as every harvester understands it."""
    d, p = s.document, s.document.provenance
    dc = etree.SubElement(parent, f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    dc.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    parts = [("title", [d.title]), ("creator", s.names(Role.AUTHOR)),
             ("contributor", s.names(Role.RECIPIENT)), ("subject", s.names(Role.SUBJECT)),
             ("description", [d.summary]), ("publisher", [p.publishing_archive or archive]),
             ("date", [_iso_date(s)]), ("type", ["Text", d.doc_type.value.replace("-", " ")]),
             ("identifier", [url, d.source_id]),
             ("source", [" ".join(x for x in (p.holding_archive, p.reference_code) if x)]),
             ("language", d.languages),
             ("relation", [f"{r.label}: {r.title}" for r in s.related]),
             ("coverage", s.names(Role.ORIGIN, Role.PLACE_MENTIONED)),
             ("rights", [p.rights])]
    for tag, values in parts:
        for value in dict.fromkeys(v for v in values if v):
            sub(dc, tag, value, ns=DC)


def chancery_record(parent: etree._Element, s: StoredDocument, url: str, archive: str,
                    schema_url: str) -> None:
    """The full public record in Chancery's own schema (chancery.xsd)."""
    d = s.document
    rec = etree.SubElement(parent, f"{{{CHANCERY}}}record", {"id": d.public_id},
                           nsmap={None: CHANCERY, "xsi": XSI})
    rec.set(f"{{{XSI}}}schemaLocation", f"{CHANCERY} {schema_url}")
    sub(rec, "title", d.title, CHANCERY)
    sub(rec, "url", url, CHANCERY)
    for tag, value in (("sourceId", d.source_id), ("number", d.number)):
        if value:
            sub(rec, tag, value, CHANCERY)
    sub(rec, "type", d.doc_type.value, CHANCERY)
    sub(rec, "date", d.date.display, CHANCERY, precision=d.date.precision.value,
        start=d.date.start.isoformat() if d.date.start else "",
        end=d.date.end.isoformat() if d.date.end else "", note=d.date.note)
    if d.summary:
        sub(rec, "summary", d.summary, CHANCERY)
    sub(rec, "classification", d.classification.marking, CHANCERY, level=d.classification.level.value)
    for la in s.authorities:
        sub(rec, "agent", la.authority.name, CHANCERY, role=la.role.value,
            kind=la.authority.kind.value, key=la.authority.key, asWritten=la.as_written,
            sameAs=" ".join(same_as(la.authority.identifiers)))
    for t in d.texts:
        sub(rec, "text", t.label, CHANCERY, key=t.version_key, language=t.language, kind=t.kind.value,
            translators="; ".join(t.translators))
    _provenance(sub(rec, "provenance", ns=CHANCERY), s, archive)
    for c in s.collections:
        sub(rec, "collection", c.title, CHANCERY, key=c.key)
    for r in s.related:
        sub(rec, "relation", r.title, CHANCERY, type=r.type.value, label=r.label, target=r.public_id)
    for rel in d.releases:
        sub(rec, "release", rel.note, CHANCERY, released=rel.released, agency=rel.agency,
            authority=rel.authority)
    for change in s.changes:  # what the public is told changed, newest first
        sub(rec, "change", change.text, CHANCERY, kind=change.kind,
            date=change.day.isoformat() if change.day else "", withheld=change.withheld)
    sub(rec, "citation", house_citation(d, archive, s.revised), CHANCERY)


def _provenance(prov: etree._Element, s: StoredDocument, archive: str) -> None:
    p = s.document.provenance
    for tag, value in (("holdingArchive", p.holding_archive), ("archivePlace", p.archive_place),
                       ("fonds", p.collection),
                       ("referenceCode", p.reference_code),
                       ("publishingArchive", p.publishing_archive or archive),
                       ("sourceNote", p.source_note), ("rights", p.rights),
                       *[("funder", f) for f in p.funders]):
        if value:
            sub(prov, tag, value, CHANCERY)
