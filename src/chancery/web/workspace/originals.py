"""/workspace/files: the original of a scan, for the staff only, by its own hash, even when
boxes are burned into everything the public is served of it (an editor must see what a box
covers to judge it). Never kept by a shared cache: the answer is private and not stored."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

from chancery.bootstrap import App
from chancery.domain.readers import Reader
from chancery.services import documents
from chancery.web.workspace.dashboard import guarded_route

PRIVATE = {"Cache-Control": "private, no-store"}


def routes(app: App) -> APIRouter:
    """GET /workspace/files/{sha256}/{filename}."""
    router = APIRouter(route_class=guarded_route(app))

    @router.get("/workspace/files/{sha256}/{filename}", include_in_schema=False)
    def original_file(request: Request, sha256: str, filename: str) -> Response:
        scan = documents.served_scan(app.catalogue, sha256, Reader.account(request.state.user))
        path = app.scan_files.path_of(scan) if scan else None
        if scan is None or path is None:
            return PlainTextResponse("Not found", status_code=404, headers=PRIVATE)
        return FileResponse(path, media_type=scan.media_type, filename=filename,
                            content_disposition_type="inline", headers=PRIVATE)

    return router
