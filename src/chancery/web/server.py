"""The reading room: a FastAPI application of server-rendered pages that work without
JavaScript. Every page reads as the public, through the one access rule."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from chancery.api.app import create_api
from chancery.bootstrap import App
from chancery.iiif import routes as iiif
from chancery.oai import routes as oai
from chancery.web import health, middleware, page_cache, replica_routing
from chancery.web.limits import limit_reading_room
from chancery.web.pages import STATIC, render
from chancery.web.request_log import HEADER, current_request_id, uvicorn_logging
from chancery.web.views import (
    api_docs,
    citations,
    documents,
    feeds,
    finding,
    records,
    registers,
    scan_words,
    site,
)
from chancery.web.workspace import routes as workspace

log = logging.getLogger("chancery.web")


def create_app(app: App) -> FastAPI:
    """The web application for an archive."""
    web = FastAPI(title=app.settings.archive_name, docs_url=None, redoc_url=None,
                  openapi_url=None)
    web.mount("/static", StaticFiles(directory=STATIC), name="static")
    api = create_api(app)
    web.include_router(api_docs.routes(app, api.openapi))  # before the mount takes /api/v1/*
    web.mount("/api/v1", api)
    # order matters: /{folder}/{slug} (authority pages) comes last
    for module in (finding, citations, feeds, scan_words, documents, site, registers, oai, iiif, workspace,
                   records):
        web.include_router(module.routes(app))
    replica_routing.install(web, app)  # innermost: where each request reads from
    limit_reading_room(web, app)
    # added last, so outermost: HEAD as GET and the security headers reach every response,
    # the limiter's 429s included
    middleware.install(web)
    page_cache.install(web, app.settings)  # who may keep each answer: by who asked
    health.install(web, app)  # outermost of all: request ids, metrics, /healthz and the rest

    @web.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):  # an address the API's mount cannot take
            return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)
        if exc.status_code == 404:
            return render(app, request, "404.html", {}, status=404, cache=False)
        return render(app, request, "error.html", {"heading": "Cannot show this page",
                                                   "message": str(exc.detail)},
                      status=exc.status_code, cache=False)

    @web.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
        return render(app, request, "error.html", {
            "heading": "This address has a value that cannot be read",
            "message": f"Check these parts of the address: {fields}."}, status=400, cache=False)

    @web.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        rid = current_request_id()  # the error's log line and the page carry the same id
        log.exception("error serving %s (request %s)", request.url.path, rid,
                      extra={"request_id": rid})
        page = render(app, request, "error.html", {
            "heading": "Something went wrong",
            "message": "The archive could not show this page. The error has been logged."},
            status=500, cache=False)
        page.headers[HEADER] = rid  # sent from outside the middleware that sets it elsewhere
        return page

    return web


def run(app: App, host: str, port: int, workers: int = 1) -> None:
    """Serve the archive with uvicorn, in ``workers`` processes."""
    if workers > 1:
        from chancery.web.workers import serve_in_workers
        serve_in_workers(app, host, port, workers)
        return
    import uvicorn
    # uvicorn's own reading of X-Forwarded-For (trusting 127.0.0.1) would run before ours
    # and let any local client choose its address: CHANCERY_TRUSTED_PROXIES is the only rule
    uvicorn.run(create_app(app), host=host, port=port, log_level="info", proxy_headers=False,
                **uvicorn_logging(app.settings))
