"""The API application, mounted at /api/v1: JSON only, CORS for GET, ETags, a rate limit."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from chancery.api.auth import document_security
from chancery.api.editing import editing_routes
from chancery.api.paging import BadCursor
from chancery.api.redactions import redaction_routes
from chancery.api.reviews import review_routes
from chancery.api.routes import routes
from chancery.api.writes import write_routes
from chancery.bootstrap import App
from chancery.http.limits import SharedLimiter, client_of

DESCRIPTION = """The records of the archive as JSON. Without a token, only what the public may
see is returned, as on the reading room's pages; with an account's bearer token, what that
account may see, and (write token) workflow steps, embargoes, edits, their review and
redactions. Lists are paged with opaque
cursors: pass a page's `next_cursor` as `cursor`. Responses carry an ETag; send it back as
If-None-Match to get 304 when nothing changed. See docs/api.md."""


_EXPOSED = ["ETag", "Retry-After"]  # what other sites' scripts may read of an answer

def _allowed(api: FastAPI, request: Request) -> str:
    """Every method some route takes at this path (GET and POST /documents are two routes)."""
    methods: set[str] = set()
    for route in api.routes:
        if route.matches(request.scope)[0] is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def create_api(app: App) -> FastAPI:
    """The /api/v1 application for an archive."""
    api = FastAPI(title=f"{app.settings.archive_name} API", version="1", description=DESCRIPTION,
                  openapi_url="/openapi.json", docs_url=None, redoc_url=None)
    api.include_router(routes(app))
    api.include_router(write_routes(app))
    api.include_router(editing_routes(app))
    api.include_router(review_routes(app))
    api.include_router(redaction_routes(app))
    document_security(api)
    limiter = SharedLimiter("api", app.settings.api_rate_limit, app.buckets)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = exc.headers
        if exc.status_code == 405:  # Starlette names the first route's methods only
            headers = {**(headers or {}), "Allow": _allowed(api, request)}
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code,
                            headers=headers)

    @api.exception_handler(BadCursor)
    async def bad_cursor(request: Request, exc: BadCursor) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @api.middleware("http")
    async def cached(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        # an answer read with a token is that account's: no shared cache may keep or serve it
        cache = "private, no-cache" if "authorization" in request.headers else "no-cache"
        response.headers["Vary"] = "Authorization"
        if request.method != "GET" or response.status_code != 200:
            if "authorization" in request.headers:
                response.headers["Cache-Control"] = cache
            return response
        # the tag is made from the answer itself, so it moves only when the answer does (one
        # made from the catalogue's change counter told pollers when a draft was imported)
        # call_next answers a streaming response (its body_iterator is not in Response's type)
        body = b"".join([c async for c in response.body_iterator])  # type: ignore[attr-defined]
        # a route that names its own version (an editor's draft: api/editing.py) keeps it
        etag = response.headers.get("etag") or 'W/"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers={"ETag": etag, "Vary": "Authorization",
                                                      "Cache-Control": cache})
        headers = {**response.headers, "etag": etag, "cache-control": cache}
        return Response(body, status_code=200, headers=headers, media_type=response.media_type)

    @api.middleware("http")
    async def limited(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        wait = await limiter.wait_for_async(client_of(request, app.settings.trusted_proxies))
        if wait:
            response: Response = JSONResponse(
                {"error": f"too many requests: try again in {wait} s"}, status_code=429,
                headers={"Retry-After": str(wait)})
        else:
            response = await call_next(request)
        # on every answer, asked with an Origin or not: a shared cache keeps one copy per
        # address (nginx ignores Vary), and a copy made for a request without an Origin
        # lacked them, so other sites' scripts could not read the API for the window
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        response.headers.setdefault("Access-Control-Expose-Headers", ", ".join(_EXPOSED))
        return response

    api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"],
                       allow_headers=["*"], expose_headers=_EXPOSED)
    return api
