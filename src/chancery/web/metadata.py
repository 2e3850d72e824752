"""Metadata a document page carries for the wider web: Highwire Press ``citation_*`` tags
(Zotero, Google Scholar), Dublin Core, schema.org JSON-LD (ArchiveComponent) and Open Graph."""

from __future__ import annotations

import json
from dataclasses import dataclass

from markupsafe import Markup

from chancery.domain.authorities import Role
from chancery.domain.csl import CslItem
from chancery.services.reading import DocumentPage
from chancery.web.pages import authority_url, doc_url


@dataclass(frozen=True)
class DocumentMeta:
    """Tags as (name, content) pairs, and the JSON-LD block."""

    highwire: list[tuple[str, str]]
    dublin_core: list[tuple[str, str]]
    open_graph: list[tuple[str, str]]
    json_ld: Markup
    canonical: str


def _date(page: DocumentPage) -> tuple[str, str]:
    """(citation_date as Y/M/D with only the parts known, ISO form with only those parts)."""
    d = page.stored.document.date
    if d.start is None:
        return "", ""
    precision = d.precision.value
    if precision == "day":
        return d.start.strftime("%Y/%m/%d"), d.start.isoformat()
    if precision == "month":
        return d.start.strftime("%Y/%m"), d.start.strftime("%Y-%m")
    return str(d.start.year), str(d.start.year)


def _csl_author(name: dict[str, str]) -> str:
    return name.get("literal") or f"{name['family']}, {name['given']}"


def document_meta(page: DocumentPage, base: str, archive: str, item: CslItem) -> DocumentMeta:
    """Every metadata tag of a document page. The ``citation_*`` tags Zotero reads carry
    what the CSL-JSON item carries (a test compares them)."""
    s, doc = page.stored, page.stored.document
    url = base + doc_url(doc.public_id, doc.title)
    authors, recipients = s.names(Role.AUTHOR), s.names(Role.RECIPIENT)
    languages = doc.languages
    cdate, iso = _date(page)
    publisher = doc.provenance.publishing_archive or archive
    highwire = [("citation_title", item["title"]),
                *[("citation_author", _csl_author(a)) for a in item.get("author", [])],
                ("citation_date", cdate), ("citation_publication_date", cdate),
                ("citation_publisher", item.get("publisher") or item.get("source", "")),
                ("citation_public_url", item.get("URL", "")),
                ("citation_archive", item.get("archive", "")),
                ("citation_archive_location", item.get("archive_location", "")),
                ("citation_inbook_title", item.get("container-title", "")),
                *[("citation_language", lang) for lang in languages],
                ("citation_abstract", item.get("abstract", "")),
                *[("citation_pdf_url", f"{base}/files/{m.sha256}/{m.filename}")
                  for m in doc.media if m.media_type == "application/pdf"][:1]]
    dublin = [("DC.title", doc.title), *[("DC.creator", a) for a in authors],
              *[("DC.contributor", r) for r in recipients], ("DC.date", iso),
              ("DC.type", doc.doc_type.value.replace("-", " ")), ("DC.description", doc.summary),
              ("DC.publisher", publisher), ("DC.identifier", url),
              ("DC.source", " ".join(p for p in (doc.provenance.holding_archive,
                                                  doc.provenance.reference_code) if p)),
              ("DC.rights", doc.provenance.rights),
              *[("DC.language", lang) for lang in languages]]
    graph = [("og:type", "article"), ("og:title", doc.title), ("og:url", url),
             ("og:site_name", archive), ("og:description", doc.summary or page.citation)]
    return DocumentMeta(_kept(highwire), _kept(dublin), _kept(graph),
                        _json_ld(page, url, base, archive, iso), url)


def _kept(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in pairs if v]


def _agent(la_kind: str, name: str, url: str) -> dict[str, str]:
    kind = "Person" if la_kind == "person" else "Organization"
    return {"@type": kind, "name": name, "url": url}


def _json_ld(page: DocumentPage, url: str, base: str, archive: str, iso: str) -> Markup:
    s, doc = page.stored, page.stored.document
    data: dict[str, object] = {
        "@context": "https://schema.org", "@type": "ArchiveComponent", "@id": url, "url": url,
        "name": doc.title, "identifier": [i for i in (doc.public_id, doc.source_id) if i],
        "description": doc.summary or None, "dateCreated": iso or None,
        "inLanguage": doc.languages or None,
        "creator": [_agent(la.authority.kind.value, la.authority.name,
                           base + authority_url(la.authority.key))
                    for la in s.authorities if la.role is Role.AUTHOR] or None,
        "about": [{"@type": "Thing", "name": la.authority.name}
                  for la in s.authorities if la.role is Role.SUBJECT] or None,
        "holdingArchive": ({"@type": "ArchiveOrganization", "name": doc.provenance.holding_archive}
                           if doc.provenance.holding_archive else None),
        "isPartOf": ([{"@type": "Collection", "name": c.title,
                       "url": base + "/collections/" + c.key} for c in page.trail] or None),
        "publisher": {"@type": "Organization", "name": doc.provenance.publishing_archive or archive},
        "license": doc.provenance.rights or None,
        "citation": page.citation,
    }
    text = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)
    # "</" inside a script block would end it; escaped, it stays valid JSON
    return Markup(text.replace("</", "<\\/"))
