"""A first reading room: home, document lists and full document pages, public view only."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from chancery.bootstrap import App
from chancery.domain.publication import Actor
from chancery.services import documents

_TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


def create_app(app: App) -> FastAPI:
    """The web application for an archive; every page reads as the public."""
    web = FastAPI(title=app.settings.archive_name, docs_url=None, redoc_url=None)
    name = app.settings.archive_name

    @web.get("/", response_class=HTMLResponse)
    def home(request: Request, collection: str | None = None, page: int = 1) -> HTMLResponse:
        page = max(page, 1)
        stats = documents.archive_stats(app.catalogue, Actor.PUBLIC)
        rows = documents.list_documents(app.catalogue, Actor.PUBLIC, collection, 50, (page - 1) * 50)
        return _TEMPLATES.TemplateResponse(request, "home.html", {
            "archive": name, "stats": stats, "rows": rows, "collection": collection,
            "page": page})

    @web.get("/documents/{ident:path}", response_class=HTMLResponse)
    def document(request: Request, ident: str) -> HTMLResponse:
        stored = documents.show_document(app.catalogue, ident, Actor.PUBLIC)
        if stored is None:
            return _TEMPLATES.TemplateResponse(request, "404.html", {"archive": name},
                                               status_code=404)
        return _TEMPLATES.TemplateResponse(request, "document.html", {
            "archive": name, "s": stored, "d": stored.document})

    return web


def run(app: App, host: str, port: int) -> None:
    """Serve the archive with uvicorn."""
    import uvicorn
    uvicorn.run(create_app(app), host=host, port=port, log_level="info")
