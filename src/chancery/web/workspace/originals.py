"""/workspace/files: the original of a scan, for the staff only, by its own hash, even when
boxes are burned into everything the public is served of it (an editor must see what a box
covers to judge it). Never kept by a shared cache: the answer is private and not stored.

A script reaches it too, with ``Authorization: Bearer`` and an API token (either scope) of an
editor, a reviewer or an admin: the API gives these addresses to such a token for the scans
the public cannot fetch (docs/api.md, "Originals of scans"). A token is never sent by a
browser on its own, so the route needs no CSRF check for it, and it only reads. Without a
token the workspace's guard answers as on every workspace page (login, role)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.routing import APIRoute

from chancery.bootstrap import App
from chancery.domain.accounts import User, can_use_workspace
from chancery.domain.readers import Reader
from chancery.domain.tokens import bearer_token
from chancery.services import documents
from chancery.web.workspace.dashboard import Handler, guarded

PRIVATE = {"Cache-Control": "private, no-store"}


def routes(app: App) -> APIRouter:
    """GET /workspace/files/{sha256}/{filename}."""
    router = APIRouter(route_class=_session_or_token(app))

    @router.get("/workspace/files/{sha256}/{filename}", include_in_schema=False)
    def original_file(request: Request, sha256: str, filename: str) -> Response:
        scan = documents.served_scan(app.catalogue, sha256, Reader.account(request.state.user))
        path = app.scan_files.path_of(scan) if scan else None
        if scan is None or path is None:
            return PlainTextResponse("Not found", status_code=404, headers=PRIVATE)
        return FileResponse(path, media_type=scan.media_type, filename=filename,
                            content_disposition_type="inline", headers=PRIVATE)

    return router


def _session_or_token(app: App) -> type[APIRoute]:
    """A route class that lets a request with a bearer token in by the token's account, and
    any other through the workspace's guard (session, role)."""

    class OriginalsRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            plain = super().get_route_handler()
            by_session = guarded(app, plain)

            async def handler(request: Request) -> Response:
                if not request.headers.get("authorization", "").lower().startswith("bearer"):
                    return await by_session(request)
                found = await run_in_threadpool(_token_user, app, request)
                if isinstance(found, Response):
                    return found
                request.state.user = found
                return await plain(request)

            return handler

    return OriginalsRoute


def _token_user(app: App, request: Request) -> User | Response:
    """The account of the request's bearer token, or the refusal to answer: 401 for a token
    that does not work, 403 for an account that may not see the originals."""
    token = bearer_token(request.headers.get("authorization", ""))
    caller = app.tokens.caller(token) if token else None
    if caller is None:
        return JSONResponse({"error": "this token is not valid: unknown, revoked, or its "
                                      "account is disabled"}, status_code=401,
                            headers={**PRIVATE, "WWW-Authenticate": 'Bearer realm="api", '
                                                                    'error="invalid_token"'})
    if not can_use_workspace(caller.user):
        return JSONResponse({"error": "the originals of scans are for an editor, a reviewer "
                                      "or an admin; this token's account is "
                                      f"{caller.user.role.value}"}, status_code=403,
                            headers=PRIVATE)
    return caller.user
