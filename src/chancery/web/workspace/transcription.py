"""Correcting a document's OCR beside its scan: GET /workspace/documents/{id}/transcription
(``?version=`` picks one of several OCR versions) shows the text to correct (the correction
made before, else the OCR text); POST saves it as the document's transcription through
services/transcribing, the OCR version kept as read. Saved: 303 to the document's page;
refused: the form again, as typed, with the reason (400; 409 when someone changed the
document since the form was opened)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from chancery.bootstrap import App
from chancery.domain.accounts import form_token
from chancery.domain.editing import Conflict
from chancery.domain.workflow import Acting, Refused
from chancery.services import search
from chancery.services.editing import NotFound
from chancery.services.transcribing import MAX_BODY
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.forms import FormLimits, forbidden, page, posted_form, session_token
from chancery.web.workspace.scan_view import scan_pages

MAX_ID = 200
# a whole text in one field (a long report's OCR is a few MB at most), in UTF-8 bytes
LIMITS = FormLimits(body=4 * MAX_BODY + 64 * 1024, field=4 * MAX_BODY, fields=20,
                    too_large="This text is longer than a text version may be.")


def routes(app: App) -> APIRouter:
    """GET and POST /workspace/documents/{public_id}/transcription (before the document
    page's POST …/{action}, which would take "transcription")."""
    router = APIRouter(route_class=guarded_route(app, LIMITS))

    @router.get("/workspace/documents/{public_id}/transcription", include_in_schema=False)
    def form(request: Request, public_id: str, version: str = "") -> Response:
        return show(app, request, public_id[:MAX_ID], version[:200])

    @router.post("/workspace/documents/{public_id}/transcription", include_in_schema=False)
    async def save(request: Request, public_id: str) -> Response:
        posted, ident = await posted_form(request, LIMITS), public_id[:MAX_ID]
        version, body = posted.get("version", "")[:200], posted.get("body", "")
        try:
            saved = await run_in_threadpool(
                app.transcribing.save, ident, version, body, Acting.of(request.state.user),
                _stamp(posted.get("seen", "")), posted.get("comment", "")[:2000])
        except NotFound as exc:
            return show(app, request, ident, version, 404, exc.message)
        except Conflict as exc:
            return show(app, request, ident, version, 409, exc.message, body)
        except Refused as exc:
            return show(app, request, ident, version, 400, exc.message, body)
        search.refresh_index(app.catalogue, app.index)
        done = "proposed" if saved.pending else "saved"
        return RedirectResponse(f"/workspace/documents/{saved.public_id}?done={done}",
                                status_code=303)

    return router


def _stamp(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def show(app: App, request: Request, ident: str, version: str = "", status: int = 200,
         refusal: str = "", typed: str | None = None) -> Response:
    """The correction form (with the text as typed and the reason, after a refusal)."""
    try:
        found = app.transcribing.form(ident, Acting.of(request.state.user), version)
    except NotFound as exc:
        return page(app, request, "error.html", {"heading": "Not found",
                                                 "message": exc.message}, status=404)
    except Refused as exc:
        return forbidden(app, request, exc.message)
    return page(app, request, "workspace_transcription.html", {
        "t": found, "body": found.body if typed is None else typed, "refusal": refusal,
        "csrf": form_token(session_token(request)), "pages": scan_pages(found.document),
        "user": request.state.user}, status=status)
