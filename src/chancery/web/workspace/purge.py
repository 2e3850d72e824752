"""Purging a document from its workspace page: an admin's form with the reason and the
document's id typed again to confirm (a purge cannot be undone). Through the workspace's
guard (session, role, CSRF) to services/purging; done, the answer is a page that says so (the
document has no page any more); refused, a page that says why: 403 for the role, 400 for the
form, 404 for a document there is not."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from chancery.bootstrap import App
from chancery.domain.accounts import User, has_role
from chancery.domain.purge import PURGE_NEEDS
from chancery.domain.workflow import Acting, Refused
from chancery.services.publishing import Outcome
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.forms import page, posted_form

MAX_ID = 200  # characters of an id looked up, as on the document's page


def routes(app: App) -> APIRouter:
    """POST /workspace/documents/{public_id}/purge (before the page's other actions)."""
    router = APIRouter(route_class=guarded_route(app))

    @router.post("/workspace/documents/{public_id}/purge", include_in_schema=False)
    async def purge(request: Request, public_id: str) -> Response:
        form, ident = await posted_form(request), public_id[:MAX_ID]
        if not may_purge(request.state.user):
            return _said(app, request, 403, "Not purged: only an admin may purge a document "
                                            "(a reviewer may withdraw it at once).", ident)
        if form.get("confirm", "").strip() != ident:
            return _said(app, request, 400, "Not purged: type the document's id into the "
                                            "confirmation field to purge it.", ident)
        try:
            outcome = await run_in_threadpool(_purge, app, request.state.user, ident,
                                              form.get("reason", ""))
        except Refused as exc:  # the reason is missing or too long
            return _said(app, request, 400, f"Not purged: {exc.message}.", ident)
        if outcome.refused:
            return _said(app, request, 404, "No document has this id.", None)
        return _said(app, request, 200, f"Purged {outcome.changed[0]}: it is gone from every "
                                        "page, search, feed and harvest, with its files.", None)

    return router


def may_purge(user: User) -> bool:
    """Whether the account's role purges (the document's page shows the form only then)."""
    return has_role(user.role, PURGE_NEEDS)


def _purge(app: App, user: User, ident: str, reason: str) -> Outcome:
    return app.purging.purge([ident], reason, Acting.of(user))


def _said(app: App, request: Request, status: int, message: str, back: str | None) -> Response:
    heading = "Purged" if status == 200 else "Not purged" if status != 404 else "Not found"
    return page(app, request, "workspace_purged.html",
                {"heading": heading, "message": message, "back": back}, status=status)
