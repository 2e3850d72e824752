"""IIIF Presentation API 3.0: a manifest for every document with scans (one canvas per page)
and a collection for every Chancery collection. Built as plain JSON; the tests validate it
with iiif-prezi3."""

from __future__ import annotations

from typing import Any

from chancery.bootstrap import App
from chancery.domain.authorities import Role
from chancery.domain.citations import house_citation
from chancery.domain.readers import Reader
from chancery.domain.served_scans import ServedScan
from chancery.iiif import content_search
from chancery.services import documents, reading
from chancery.services.documents import StoredDocument

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
MEDIA_TYPE = f'application/ld+json;profile="{CONTEXT}"'
MAX_ITEMS = 5_000  # manifests listed in one collection
Json = dict[str, Any]


def _lang(text: str) -> Json:
    return {"en": [text]}


def _pair(label: str, value: str) -> Json:
    return {"label": _lang(label), "value": _lang(value)}


def _metadata(s: StoredDocument) -> list[Json]:
    d, p = s.document, s.document.provenance
    rows = [("Date", d.date.display), ("Type", d.doc_type.value.replace("-", " ")),
            ("Classification", d.classification.marking),
            ("Author", "; ".join(s.names(Role.AUTHOR))),
            ("Recipient", "; ".join(s.names(Role.RECIPIENT))), ("Archive", p.holding_archive),
            ("Reference", " ".join(x for x in (p.collection, p.reference_code) if x)),
            ("Language", ", ".join(d.languages)), ("Identifier", d.source_id)]
    return [_pair(k, v) for k, v in rows if v]


def _statement(s: StoredDocument, archive: str) -> Json:
    p = s.document.provenance
    parts = [p.rights or f"Published by {p.publishing_archive or archive}."]
    if p.funders:
        parts.append("This document was made possible with support from "
                     + " and ".join(p.funders) + ".")
    return _pair("Attribution", " ".join(parts))


def manifest(app: App, public_id: str, root: str, reader: Reader) -> Json | None:
    """The manifest of a document the reader may see, or None (no such document, no scans)."""
    stored = documents.show_document(app.catalogue, public_id, reader)
    if stored is None or not stored.document.media or stored.document.public_id != public_id:
        return None
    d = stored.document
    site = root.removesuffix("/iiif/3")
    mid = f"{root}/manifests/{d.public_id}"
    canvases: list[Json] = []
    served = {m.sha256: documents.served_scan(app.catalogue, m.sha256, reader) for m in d.media}
    for media in d.media:
        for n, (w, h) in enumerate(_page_sizes(app, served[media.sha256]), 1):
            canvases.append(_canvas(mid, len(canvases) + 1, f"{root}/{media.sha256}-{n}", w, h,
                                    f"{media.label or media.filename}, p. {n}"))
    body: Json = {
        "@context": CONTEXT, "id": mid, "type": "Manifest", "label": _lang(d.title),
        "metadata": _metadata(stored), "requiredStatement": _statement(stored, app.settings.archive_name),
        "homepage": [{"id": f"{site}/documents/{d.public_id}", "type": "Text",
                      "label": _lang(d.title), "format": "text/html"}],
        "rendering": [*({"id": f"{site}/files/{m.sha256}/{m.filename}", "type": "Text",
                         "label": _lang(f"{_kind(served[m.sha256])}: {m.filename}"),
                         "format": m.media_type}
                        for m in d.media),
                      *({"id": f"{site}/documents/{d.public_id}/text/{t.version_key}.txt",
                         "type": "Text", "label": _lang(f"Text: {t.shown_label}"), "format": "text/plain"}
                        for t in d.texts)],
        "seeAlso": [{"id": f"{site}/api/v1/documents/{d.public_id}", "type": "Dataset",
                     "format": "application/json", "label": _lang("Full record (JSON)")}],
        "items": canvases,
    }
    searchable = app.word_boxes.searchable_scans(stored, reader)
    if searchable:  # words read on the pages: a viewer can search them and fetch a PDF
        body["service"] = [content_search.service(mid)]
        body["rendering"] += [{"id": f"{site}/documents/{d.public_id}/scans/{n}/searchable.pdf",
                               "type": "Text", "format": "application/pdf",
                               "label": _lang(f"Searchable PDF: {d.media[n - 1].filename}")}
                              for n in searchable]
    if d.summary:
        body["summary"] = _lang(d.summary)
    body["metadata"].append(_pair("Citation", house_citation(d, app.settings.archive_name,
                                                                  stored.revised)))
    return body


def _page_sizes(app: App, scan: ServedScan | None) -> list[tuple[int, int]]:
    """The pages of a scan as the reader is served it, measured on the original: burning
    boxes in changes no page's size."""
    return app.pages.sizes(scan.sha256, scan.media_type) if scan else []


def _kind(scan: ServedScan | None) -> str:
    return "Scan, with redacted regions blacked out" if scan and scan.is_redacted \
        else "Original scan"


def _canvas(mid: str, n: int, service: str, w: int, h: int, label: str) -> Json:
    cid = f"{mid}/canvas/{n}"
    return {"id": cid, "type": "Canvas", "label": _lang(label), "width": w, "height": h,
            "items": [{"id": f"{cid}/page", "type": "AnnotationPage", "items": [{
                "id": f"{cid}/page/image", "type": "Annotation", "motivation": "painting",
                "target": cid,
                "body": {"id": f"{service}/full/max/0/default.jpg", "type": "Image",
                         "format": "image/jpeg", "width": w, "height": h,
                         "service": [{"id": service, "type": "ImageService3",
                                      "profile": "level1"}]}}]}]}


def collection(app: App, key: str, root: str, reader: Reader) -> Json | None:
    """A Chancery collection as a IIIF collection: its sub-collections, and manifests of the
    documents with scans in it or below it."""
    found = reading.collection_record(app.catalogue, key, reader)
    if found is None:
        return None
    this, _, children = found
    items: list[Json] = [{"id": f"{root}/collections/{c.key}", "type": "Collection",
                          "label": _lang(c.title)} for c in children]
    items += [{"id": f"{root}/manifests/{pid}", "type": "Manifest", "label": _lang(title)}
              for pid, title in documents.scanned_documents(app.catalogue, key, reader, MAX_ITEMS)]
    body: Json = {"@context": CONTEXT, "id": f"{root}/collections/{this.key}", "type": "Collection",
                  "label": _lang(this.title), "items": items}
    if this.description:
        body["summary"] = _lang(this.description)
    return body
