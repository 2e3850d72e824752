"""The scan beside the workspace's work on a document (its suggestions, its OCR correction):
each page as an image, for the staff only, whatever the document's state.

GET /workspace/scans/{sha256}/{page}-{width}.png serves a page of a scan a staff account may
read (a draft's too), never kept by a shared cache. Editors are served the original's pages,
as /workspace/files serves the original file: what a redaction box covers is theirs to see."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

from chancery.bootstrap import App
from chancery.domain.documents import Document
from chancery.domain.media import WIDTHS
from chancery.domain.readers import Reader
from chancery.services import documents
from chancery.web.workspace.dashboard import guarded_route

PRIVATE = {"Cache-Control": "private, no-store"}
SHOWN_WIDTH = 1000  # the page images beside a form: readable, a fraction of the full size
MAX_PAGES = 50  # pages drawn on one screen; a longer scan links to the rest


@dataclass(frozen=True)
class ScanPage:
    """One page of a scan as the view draws it."""

    src: str  # the image at the width shown
    full: str  # the largest image, to read small print
    alt: str


def scan_pages(doc: Document) -> list[ScanPage]:
    """The pages of a document's scans, in order, at most MAX_PAGES."""
    out = []
    for m in doc.media:
        for page in range(1, max(1, m.pages or 1) + 1):
            base = f"/workspace/scans/{m.sha256}/{page}"
            out.append(ScanPage(f"{base}-{SHOWN_WIDTH}.png", f"{base}-{WIDTHS[-1]}.png",
                                f"Page {page} of {m.filename}"))
            if len(out) >= MAX_PAGES:
                return out
    return out


def routes(app: App) -> APIRouter:
    """GET /workspace/scans/{sha256}/{page}-{width}.png."""
    router = APIRouter(route_class=guarded_route(app))

    @router.get("/workspace/scans/{sha256}/{page}-{width}.png", include_in_schema=False)
    def scan_page(request: Request, sha256: str, page: int, width: int) -> Response:
        reader = Reader.account(request.state.user)
        scan = documents.served_scan(app.catalogue, sha256[:64], reader)
        path = app.pages.served_image(scan, page, width) if scan else None
        if path is None:
            return PlainTextResponse(f"Not found (widths: {', '.join(map(str, WIDTHS))})",
                                     status_code=404, headers=PRIVATE)
        return FileResponse(path, media_type="image/png", headers=PRIVATE)

    return router
