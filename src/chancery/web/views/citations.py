"""Citations of a document: the page's styles (rendered in the background when missing),
any installed CSL style by name, and BibTeX / RIS / CSL-JSON downloads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from chancery.bootstrap import App
from chancery.citing.interface import CitationError, StyleNotFound
from chancery.citing.styles import PAGE_STYLES
from chancery.domain.csl import CslItem
from chancery.services import citing


def routes(app: App) -> APIRouter:
    """Citation downloads and any style by name (registered before the document pages)."""
    router = APIRouter()

    @router.get("/documents/{public_id}/cite.{ext}", include_in_schema=False)
    def cite_export(public_id: str, ext: str) -> Response:
        fmt, media = _EXPORTS.get(ext, ("", ""))
        item = citing.document_item(app.catalogue, app.citer, public_id) if fmt else None
        if item is None:
            return PlainTextResponse("Not found (cite.bib, cite.ris or cite.json)", status_code=404)
        name = f"{public_id}.{ext}"
        return Response(citing.export([item], fmt), media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @router.get("/documents/{public_id}/cite", include_in_schema=False)
    def cite_style(public_id: str, style: str = "house") -> Response:
        try:
            text = citing.cite_document(app.catalogue, app.citer, public_id, style)
        except StyleNotFound as exc:
            return PlainTextResponse(str(exc), status_code=404)
        except CitationError as exc:
            return PlainTextResponse(str(exc), status_code=503)
        if text is None:
            return PlainTextResponse("Not found", status_code=404)
        return PlainTextResponse(text)

    return router


_EXPORTS = {"bib": ("bibtex", "application/x-bibtex; charset=utf-8"),
            "ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
            "json": ("csl-json", "application/vnd.citationstyles.csl+json; charset=utf-8")}
STYLE_LABELS = {"chicago-note": "Chicago (note)", "chicago-bibliography": "Chicago (bibliography)",
                "chicago-author-date": "Chicago (author-date)", "mla": "MLA", "apa": "APA",
                "turabian": "Turabian (note)"}
# Styles a page found missing are rendered here, one document at a time, never on the
# request path (a render costs ~0.2 s).
_RENDERER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chancery-cite")
_QUEUED: set[str] = set()
_QUEUED_LOCK = threading.Lock()


def page_citations(app: App, item: CslItem, public_id: str) -> dict[str, citing.Citation]:
    """The page styles already rendered; the rest are queued for rendering."""
    try:
        kept = citing.kept_citations(app.citer, item, PAGE_STYLES)
    except (CitationError, StyleNotFound):
        return {}
    if len(kept) < len(PAGE_STYLES):
        with _QUEUED_LOCK:
            if public_id not in _QUEUED:
                _QUEUED.add(public_id)
                _RENDERER.submit(_render_later, app, public_id)
    return kept


def _render_later(app: App, public_id: str) -> None:
    try:
        citing.prerender(app.catalogue, app.citer, PAGE_STYLES, [public_id])
    except CitationError:
        pass  # pages keep showing the house style
    finally:
        with _QUEUED_LOCK:
            _QUEUED.discard(public_id)
