"""The /workspace pages. Every route here goes through one guard, by construction (the
router's route class): no session → 303 to /login?next=…; an account that may not use the
workspace → 403; a POST without the session's CSRF token → 403."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute

from chancery.bootstrap import App
from chancery.domain.accounts import can_use_workspace, form_token
from chancery.services import import_runs, workspace
from chancery.web.workspace.forms import (
    SMALL_FORM,
    FormLimits,
    close_uploads,
    forbidden,
    page,
    posted_form,
    session_form_ok,
    session_token,
    when,
)

_SAFE = ("GET", "HEAD", "OPTIONS")


async def _refusal(app: App, request: Request, limits: FormLimits) -> Response | None:
    """Why this request may not reach a workspace page, as the answer to give; None: it may
    (and request.state.user is the account)."""
    user = await run_in_threadpool(app.accounts.session_user, session_token(request))
    if user is None:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": here}), status_code=303)
    if not can_use_workspace(user):
        return forbidden(app, request, "This account may not use the workspace. An admin can "
                                       "give it the editor role.")
    if request.method not in _SAFE and not session_form_ok(request,
                                                           await posted_form(request, limits)):
        return forbidden(app, request, "This form has expired or did not come from this site. "
                                       "Reload the page and try again.")
    request.state.user = user
    return None


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def guarded(app: App, handler: Handler, limits: FormLimits = SMALL_FORM) -> Handler:
    """``handler`` behind the check of the session, the role and CSRF (reading a posted form
    within ``limits``)."""
    async def checked(request: Request) -> Response:
        try:
            return await _refusal(app, request, limits) or await handler(request)
        finally:
            await close_uploads(request)

    return checked


def guarded_route(app: App, limits: FormLimits = SMALL_FORM) -> type[APIRoute]:
    """A route class whose every route checks the session, the role and CSRF first (reading
    a posted form within ``limits``)."""

    class WorkspaceRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            return guarded(app, super().get_route_handler(), limits)

    return WorkspaceRoute


def routes(app: App) -> APIRouter:
    """/workspace: the dashboard."""
    router = APIRouter(route_class=guarded_route(app))

    @router.get("/workspace", include_in_schema=False)
    def dashboard(request: Request) -> Response:
        user = request.state.user
        return page(app, request, "workspace.html", {
            "user": user, "csrf": form_token(session_token(request)), "when": when,
            "lists": workspace.dashboard(app.workspace, user, editing=app.editing),
            "imports": import_runs.recent_imports(app.import_runs)})

    return router
