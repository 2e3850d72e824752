"""Redacting from a document's workspace page: a form adds a redaction (at once), buttons
ask for a redaction's removal and approve it. Every form posts through the workspace's guard
(session, role, CSRF) to services/redacting; done answers 303 back to the page with
?done=ACTION; refused shows the page again with the reason: 403 for the account's role, 400
for what cannot be redacted as asked, 409 for a state or four eyes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from chancery.bootstrap import App
from chancery.domain.accounts import User
from chancery.domain.workflow import Acting, Refused
from chancery.services import search
from chancery.services.redacting import APPROVE_NEEDS, REDACT_NEEDS, REQUEST_NEEDS, Wanted
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.documents import MAX_ID, show
from chancery.web.workspace.forms import posted_form

_WHAT = ("text", "field", "link", "box")
_SIDES = ("x", "y", "w", "h")  # the box form's inputs: left, top, width, height


def routes(app: App) -> APIRouter:
    """POST /workspace/redactions/{public_id} (add); POST …/{redaction_id}/{action} with
    action request-removal or approve-removal."""
    router = APIRouter(route_class=guarded_route(app))

    @router.post("/workspace/redactions/{public_id}", include_in_schema=False)
    async def add(request: Request, public_id: str) -> Response:
        form, ident = await posted_form(request), public_id[:MAX_ID]
        user: User = request.state.user
        if not Acting.of(user).may(REDACT_NEEDS):
            return show(app, request, ident, 403, "Not done: redacting is for an editor.")
        try:
            await run_in_threadpool(_redact, app, user, ident, form)
        except Refused as exc:
            return show(app, request, ident, 400, _sentence(exc.message))
        return RedirectResponse(f"/workspace/documents/{ident}?done=redact", status_code=303)

    @router.post("/workspace/redactions/{public_id}/{redaction_id}/{action}",
                 include_in_schema=False)
    async def move(request: Request, public_id: str, redaction_id: str, action: str) -> Response:
        form, ident = await posted_form(request), public_id[:MAX_ID]
        needs = {"request-removal": REQUEST_NEEDS, "approve-removal": APPROVE_NEEDS}.get(action)
        if needs is None or not redaction_id.isdigit():
            return show(app, request, ident, 404, "Not done: the workspace has no such action.")
        if not Acting.of(request.state.user).may(needs):
            return show(app, request, ident, 403, "Not done: approving a removal is for a "
                                                  "reviewer.")
        try:
            await run_in_threadpool(_move, app, request.state.user, ident, int(redaction_id),
                                    action, form.get("comment", ""))
        except Refused as exc:
            return show(app, request, ident, 409, _sentence(exc.message))
        return RedirectResponse(f"/workspace/documents/{ident}?done={action}", status_code=303)

    return router


def _redact(app: App, user: User, ident: str, form: dict[str, str]) -> None:
    what = form.get("what", "")
    if what not in _WHAT:
        raise Refused("choose what to redact: words of a text, a field or a linked record")
    chosen = form.get(what, "")
    wanted = _box(form) if what == "box" else Wanted(
        form.get("reason", ""), form.get("words", ""),
        version=chosen if what == "text" else "", field=chosen if what == "field" else "",
        link=chosen if what == "link" else "")
    app.redacting.redact(ident, wanted, Acting.of(user))
    search.refresh_index(app.catalogue, app.index)  # the public search follows at once


def _box(form: dict[str, str]) -> Wanted:
    """A region of a page from the box form: the page, then x, y, w, h in percent of the page
    or in pixels of the full image (as `chancery redact --page N --box` takes them)."""
    page = form.get("page", "").strip()
    if not page.isdigit() or not 0 < int(page) < 100_000:
        raise Refused("give the page as a number, counted from 1 over the document's scans")
    sides = [form.get(side, "").strip() for side in _SIDES]
    try:
        numbers = [float(side) for side in sides]
    except ValueError:
        raise Refused("give the region's left, top, width and height as numbers") from None
    if not all(0 <= n < 1e9 for n in numbers):  # NaN fails this too
        raise Refused("the region's left, top, width and height are numbers from 0")
    unit = "pct:" if form.get("unit", "pct") == "pct" else ""
    return Wanted(form.get("reason", ""), page=int(page), box=unit + ",".join(sides))


def _move(app: App, user: User, ident: str, redaction_id: int, action: str,
          comment: str) -> None:
    if action == "approve-removal":
        app.redacting.approve_removal(ident, redaction_id, Acting.of(user), comment)
        search.refresh_index(app.catalogue, app.index)
    else:
        app.redacting.request_removal(ident, redaction_id, Acting.of(user), comment)


def _sentence(reason: str) -> str:
    return "Not done: " + reason + ("" if reason.endswith(".") else ".")
