"""Citations of a document: the page's styles (rendered in the background when missing),
any installed CSL style by name, and BibTeX / RIS / CSL-JSON downloads."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from chancery.bootstrap import App
from chancery.citing.interface import CitationError, StyleNotFound
from chancery.citing.styles import PAGE_STYLES
from chancery.domain.csl import CslItem
from chancery.domain.readers import Reader
from chancery.services import citing


def routes(app: App) -> APIRouter:
    """Citation downloads and any style by name (registered before the document pages)."""
    router = APIRouter()

    @router.get("/documents/cite.{ext}", include_in_schema=False)
    def cite_selection(ext: str, id: Annotated[list[str] | None, Query()] = None) -> Response:
        """A selection (?id=...&id=..., up to 500) in one file; hidden documents are left out."""
        fmt, media = _EXPORTS.get(ext, ("", ""))
        reader = Reader.public()
        items = [i for i in (citing.document_item(app.catalogue, app.citer, x, reader)
                             for x in dict.fromkeys((id or [])[:_SELECTION_MAX])) if i]
        if not fmt or not items:
            return PlainTextResponse("Nothing to export: choose documents (?id=...)", status_code=404)
        return Response(citing.export(items, fmt), media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="selection.{ext}"'})

    @router.get("/documents/{public_id}/cite.{ext}", include_in_schema=False)
    def cite_export(public_id: str, ext: str) -> Response:
        fmt, media = _EXPORTS.get(ext, ("", ""))
        item = citing.document_item(app.catalogue, app.citer, public_id,
                                    Reader.public()) if fmt else None
        if item is None:
            return PlainTextResponse("Not found (cite.bib, cite.ris or cite.json)", status_code=404)
        name = f"{public_id}.{ext}"
        return Response(citing.export([item], fmt), media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @router.get("/documents/{public_id}/cite", include_in_schema=False)
    def cite_style(public_id: str, style: str = "house") -> Response:
        if style not in ("house", *PAGE_STYLES, *citing.EXPORTS):
            return PlainTextResponse(f"Style {style!r} is not offered here; any installed style: "
                                     f"/api/v1/documents/{public_id}/citation?style=NAME",
                                     status_code=404)
        try:
            text = citing.cite_document(app.catalogue, app.citer, public_id, style,
                                        Reader.public())
        except StyleNotFound as exc:
            return PlainTextResponse(str(exc), status_code=404)
        except CitationError as exc:
            return PlainTextResponse(str(exc), status_code=503)
        if text is None:
            return PlainTextResponse("Not found", status_code=404)
        return PlainTextResponse(text)

    return router


_SELECTION_MAX = 500
_EXPORTS = {"bib": ("bibtex", "application/x-bibtex; charset=utf-8"),
            "ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
            "json": ("csl-json", "application/vnd.citationstyles.csl+json; charset=utf-8")}
STYLE_LABELS = {"chicago-note": "Chicago (note)", "chicago-bibliography": "Chicago (bibliography)",
                "chicago-author-date": "Chicago (author-date)", "mla": "MLA", "apa": "APA",
                "turabian": "Turabian (note)"}
# Styles a page found missing are rendered by one background thread, in batches (a pandoc
# call costs ~0.2 s however many documents it renders), never on the request path.
_RENDERER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chancery-cite")
_BACKLOG_MAX = 5_000  # beyond this (a crawler) pages wait for `chancery cite --prepare`
_BATCH = 200
log = logging.getLogger("chancery.web")


class _Backlog:
    """Documents of one archive whose page styles are waiting to be rendered."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.ids: dict[str, None] = {}
        self.running = False
        self.lock = threading.Lock()

    def add(self, public_id: str) -> None:
        with self.lock:
            if public_id in self.ids or len(self.ids) >= _BACKLOG_MAX:
                return
            self.ids[public_id] = None
            if not self.running:
                self.running = True
                _RENDERER.submit(self._drain)

    def _drain(self) -> None:
        while True:
            with self.lock:
                batch = list(self.ids)[:_BATCH]
                if not batch:
                    self.running = False
                    return
            try:
                citing.prerender(self.app.catalogue, self.app.citer, PAGE_STYLES, batch)
            except Exception:  # pages keep the house style; the operator sees why
                log.exception("citation styles could not be rendered")
            with self.lock:
                for public_id in batch:
                    self.ids.pop(public_id, None)


_BACKLOGS: dict[int, _Backlog] = {}


def settle(timeout: float = 120.0) -> None:
    """Wait until the styles asked for so far are rendered (the renderer takes its work in
    order): before an archive's connections are let go, at shutdown or a test's end."""
    _RENDERER.submit(lambda: None).result(timeout=timeout)


def page_citations(app: App, item: CslItem, public_id: str) -> dict[str, citing.Citation]:
    """The page styles already rendered; the rest are queued for rendering."""
    try:
        kept = citing.kept_citations(app.citer, item, PAGE_STYLES)
    except (CitationError, StyleNotFound) as exc:  # the page keeps the house style
        log.warning("citation styles unavailable for %s: %s", public_id, exc)
        return {}
    if len(kept) < len(PAGE_STYLES):
        backlog = _BACKLOGS.get(id(app))
        if backlog is None or backlog.app is not app:
            backlog = _BACKLOGS[id(app)] = _Backlog(app)
        backlog.add(public_id)
    return kept
