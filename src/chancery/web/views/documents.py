"""Document pages, their downloads and scan page images."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from chancery.bootstrap import App
from chancery.citing.styles import PAGE_STYLES
from chancery.domain.media import WIDTHS
from chancery.domain.provenance import funder_phrase
from chancery.domain.readers import Reader
from chancery.http.caching import file_answer
from chancery.search.interface import IndexUnavailable
from chancery.services import citing, documents, reading
from chancery.services.search_meaning import SimilarDocument
from chancery.web import metadata, notes, word_hits
from chancery.web.pages import doc_url, render
from chancery.web.views.citations import STYLE_LABELS, page_citations

SIMILAR_ON_PAGE = 5  # more like this on a document's page

# what a "Redacted on" line says is withheld, by the kind of redaction
NOTICE_KINDS = {"text": "in the text", "title": "in the title", "summary": "in the summary",
                "date": "in the date", "classification": "in the classification marking",
                "source_note": "in the source note", "reference_code": "in the reference code",
                "link": "a name in the record", "scan": "a region of a scan"}


def routes(app: App) -> APIRouter:
    """The document routes of the reading room."""
    router = APIRouter()

    @router.get("/documents/{public_id}.json", include_in_schema=False)
    def record_json(public_id: str) -> Response:
        stored = documents.show_document(app.catalogue, public_id, Reader.public())
        if stored is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        body = documents.document_view(stored)
        body.pop("revisions", None)  # the edit history is for editors
        return JSONResponse(json.loads(json.dumps(body, default=str)))

    @router.get("/documents/{public_id}/text/{version}.txt", include_in_schema=False)
    def text_file(public_id: str, version: str) -> Response:
        stored = documents.show_document(app.catalogue, public_id, Reader.public())
        text = next((t for t in stored.document.texts if t.version_key == version), None) \
            if stored else None
        if stored is None or text is None:
            return PlainTextResponse("Not found", status_code=404)
        notes = "".join(f"\n[{n.mark}] {n.text}" for n in text.notes)
        name = f"{stored.document.public_id}-{version}.txt"
        return PlainTextResponse(f"{stored.document.title}\n\n{text.body}\n{notes}",
                                 headers={"Content-Disposition": f'inline; filename="{name}"'})

    @router.get("/files/{sha256}/{filename}", include_in_schema=False)
    def scan_file(request: Request, sha256: str, filename: str) -> Response:
        scan = documents.served_scan(app.catalogue, sha256, Reader.public())
        path = app.scan_files.path_of(scan) if scan else None
        if scan is None or path is None:
            return PlainTextResponse("Not found", status_code=404)
        return file_answer(request, path, scan.media_type, filename=filename,
                           content_disposition_type="inline")

    @router.get("/scans/{sha256}/{page}-{width}.png", include_in_schema=False)
    def scan_page(request: Request, sha256: str, page: int, width: int) -> Response:
        scan = documents.served_scan(app.catalogue, sha256, Reader.public())
        path = app.pages.served_image(scan, page, width) if scan else None
        if path is None:
            return PlainTextResponse(f"Not found (widths: {', '.join(map(str, WIDTHS))})",
                                     status_code=404)
        return file_answer(request, path, "image/png")

    @router.get("/documents/{ident:path}", include_in_schema=False)
    def document(request: Request, ident: str) -> Response:
        return _document(app, request, ident, Reader.public())

    return router


def _page(app: App, ident: str, reader: Reader) -> reading.DocumentPage | reading.Withdrawn | None:
    """The page of "{public id}/{any slug}" (by its public id), or else of ``ident`` as it
    stands: a public id alone or a source id such as frus1958-60v19/d3. The document is read
    once: a check first, then the page, read it twice (three times with "more like this")."""
    first, _, rest = ident.partition("/")
    if rest:
        page = reading.document_page(app.catalogue, first, app.settings.archive_name, reader)
        if page is not None:
            return page
    return reading.document_page(app.catalogue, ident, app.settings.archive_name, reader)


def _similar(app: App, public_id: str, reader: Reader) -> list[SimilarDocument]:
    """More like this: a few documents near this one, which the reader is reading, that the
    reader may see (none while the index cannot answer: the page itself does not need it)."""
    try:
        return app.search.similar_to_seen(public_id, limit=SIMILAR_ON_PAGE, reader=reader)
    except IndexUnavailable:
        return []


def _document(app: App, request: Request, ident: str, reader: Reader) -> Response:
    page = _page(app, ident.strip("/"), reader)
    if page is None:
        return render(app, request, "404.html", {"what": "document"}, status=404, cache=False)
    if isinstance(page, reading.Withdrawn):
        return render(app, request, "410.html", {"withdrawn": page}, status=410, cache=False)
    doc = page.stored.document
    canonical = doc_url(doc.public_id, doc.title)
    # the address as sent, too: a cache keys on it, and "%2D" for "-" was served as the page
    # under a key no purge names (a hostile test), kept for the window after a withdrawal
    sent = bytes(request.scope.get("raw_path") or b"").decode("latin-1")
    if request.url.path != canonical or (sent and sent != quote(canonical, safe="/")):
        # old slugs and source ids lead to the one address
        query = request.url.query  # a search's ?q= still marks its words on the scans
        return RedirectResponse(canonical + (f"?{query}" if query else ""), status_code=301)
    modified = page.stored.updated_at
    view = request.query_params.get("view", "")
    item = citing.csl_for(page.stored, app.citer)
    cites = page_citations(app, item, doc.public_id)
    return render(app, request, "document.html", {
        "p": page, "d": doc, "s": page.stored, "view": view, "cites": cites,
        "texts": {t.version_key: notes.text_view(t, page.cited) for t in doc.texts},
        "funders": funder_phrase(doc.provenance.funders),
        "source_note": notes.linked_note(doc.provenance.source_note, page.cited),
        "style_labels": STYLE_LABELS, "cites_pending": len(cites) < len(PAGE_STYLES),
        "meta": metadata.document_meta(page, app.settings.base_url,
                                       app.settings.archive_name, item),
        "widths": WIDTHS, "now": datetime.now(UTC), "notice_kinds": NOTICE_KINDS,
        "q": request.query_params.get("q", ""),
        "marks": word_hits.page_marks(app, doc.public_id, request.query_params.get("q", ""),
                                      reader),
        "searchable": app.word_boxes.searchable_scans(page.stored, reader),
        "similar": _similar(app, doc.public_id, reader)},
        modified=modified,
        cache=len(cites) == len(PAGE_STYLES))  # the missing styles arrive soon: no ETag yet

