"""Downloads made from the words read on a document's scans: a searchable PDF of each scan
(its pages as served, burned where boxes are, with the words the reader may read as an
invisible text layer)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from chancery.bootstrap import App
from chancery.domain.readers import Reader
from chancery.http.caching import file_answer


def routes(app: App) -> APIRouter:
    """The routes of files made from scan words (before /documents/{ident:path} takes them)."""
    router = APIRouter()

    @router.get("/documents/{public_id}/scans/{scan}/searchable.pdf", include_in_schema=False)
    def searchable_pdf(request: Request, public_id: str, scan: int) -> Response:
        made = app.word_boxes.searchable_pdf(public_id, scan, Reader.public()) \
            if 0 < scan < 10_000 else None
        if made is None:
            return PlainTextResponse("Not found: no such scan, or no text read on it",
                                     status_code=404)
        path, filename = made
        return file_answer(request, path, "application/pdf", filename=filename,
                           content_disposition_type="attachment")

    return router
