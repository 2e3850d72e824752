"""A document's history page in the workspace: every revision with who, when (UTC), why, its
workflow step, its public note and its field-level diff, newest first, a page at a time; and
a "Revert to this revision" form under each older one, for the role `chancery revert` needs
(an editor's on a draft or a document in review, a reviewer's once it is published or
withdrawn).

The revert posts through the workspace's guard (session, role, CSRF) to services/history and
then catches the search index up, so the public page and search follow at once. Done: 303
back to the history with ?done=reverted; refused: the history again with the reason, 403
for the role, 400 for the form or a revert with nothing to do, 404 for no such document."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from chancery.bootstrap import App
from chancery.domain.accounts import User, form_token
from chancery.domain.corrections import MAX_NOTE
from chancery.domain.workflow import Refused
from chancery.services import history, search
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.forms import page, posted_form, session_token, when

MAX_ID = 200  # characters of an id looked up, as on the document's page
DONE = {"reverted": "Reverted: the fields are as they were after that revision, written as a "
                    "new revision."}


def routes(app: App) -> APIRouter:
    """GET /workspace/documents/{public_id}/history; POST …/{public_id}/revert (included
    before the document page's …/{action}, which would take "revert")."""
    router = APIRouter(route_class=guarded_route(app))

    @router.get("/workspace/documents/{public_id}/history", include_in_schema=False)
    def history_page(request: Request, public_id: str, page: str = "1") -> Response:
        return show(app, request, public_id[:MAX_ID], page)

    @router.post("/workspace/documents/{public_id}/revert", include_in_schema=False)
    async def revert(request: Request, public_id: str) -> Response:
        form, ident = await posted_form(request), public_id[:MAX_ID]
        try:
            done = await run_in_threadpool(_revert, app, request.state.user, ident, form)
        except PermissionError as exc:
            return show(app, request, ident, refusal=_sentence(str(exc)), status=403)
        except Refused as exc:
            return show(app, request, ident, refusal=_sentence(exc.message), status=400)
        return RedirectResponse(f"/workspace/documents/{done}/history?done=reverted",
                                status_code=303)

    return router


def show(app: App, request: Request, ident: str, number: str = "1", refusal: str = "",
         status: int = 200) -> Response:
    """A page of the document's history; ``refusal`` says why a revert was not made."""
    user: User = request.state.user
    try:
        found = history.history_page(app.publishing, user, ident, _page(number))
    except Refused as exc:
        return _said(app, request, 400, "No such page", _sentence(exc.message))
    if found is None:
        return _said(app, request, 404, "Not found", "No document has this id.")
    done = DONE.get(request.query_params.get("done", "")) if status == 200 else None
    return page(app, request, "workspace_history.html", {
        "user": user, "csrf": form_token(session_token(request)), "found": found,
        "h": found.history, "refusal": refusal, "done": done, "when": when,
        "max_note": MAX_NOTE}, status=status)


def _revert(app: App, user: User, ident: str, form: dict[str, str]) -> str:
    done = history.revert_from_form(app.publishing, user, ident, form)
    search.refresh_index(app.catalogue, app.index)  # the public search follows at once
    return done


def _page(text: str) -> int:
    try:
        return int(text.strip()[:8])
    except ValueError:
        raise Refused("a page is a number") from None


def _said(app: App, request: Request, status: int, heading: str, message: str) -> Response:
    return page(app, request, "error.html", {"heading": heading, "message": message},
                status=status)


def _sentence(reason: str) -> str:
    return "Not reverted: " + reason + ("" if reason.endswith(".") else ".")
