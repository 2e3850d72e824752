"""A document in the workspace: its record, state and history, and a form for each step the
logged-in account may take (submit, publish, request changes, withdraw, reinstate, embargo).

Every form posts through the workspace's guard (session, role, CSRF) to services/publishing;
a step taken answers 303 back to the page with ?done=ACTION (a fixed message: nothing a link
carries is shown as text); a step refused shows the page again with the reason beside the
buttons: 403 for the account's role, 409 for the workflow (four eyes, the state), 400 for a
form that is not right."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from chancery.bootstrap import App
from chancery.domain.accounts import User, form_token
from chancery.domain.corrections import MAX_NOTE
from chancery.domain.field_diffs import field_diffs
from chancery.domain.readers import Reader
from chancery.domain.workflow import Refused
from chancery.services import history, search, workspace
from chancery.services.publishing import Outcome
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.forms import page, posted_form, session_token, when
from chancery.web.workspace.redaction_panel import REDACTION_DONE, redaction_panel

MAX_ID = 200  # characters of an id looked up; public ids are far shorter
LABELS = {"submit": "Submit for review", "publish": "Publish", "withdraw": "Withdraw",
          "reinstate": "Reinstate (back to review)", "request-changes": "Request changes"}
DONE = {"submit": "Submitted for review.", "publish": "Published: readers can see it now.",
        "withdraw": "Withdrawn: its public page now says it was taken down.",
        "reinstate": "Sent back to review.", "request-changes": "Sent back to draft with your "
        "comment.", "embargo": "The embargo is changed.",
        "approve": "The change is approved: readers see it now.",
        "reject": "The change is rejected: readers keep the published version.",
        "created": "The document is made, as a draft.", "saved": "Saved.",
        "proposed": "Saved for review: readers keep seeing the published version until a "
                    "reviewer approves the change.",
        **REDACTION_DONE}


def routes(app: App) -> APIRouter:
    """GET /workspace/documents/{public_id}; POST …/{action} for each step and the embargo."""
    router = APIRouter(route_class=guarded_route(app))

    @router.get("/workspace/documents/{public_id}", include_in_schema=False)
    def document_page(request: Request, public_id: str) -> Response:
        return show(app, request, public_id)

    @router.post("/workspace/documents/{public_id}/{action}", include_in_schema=False)
    async def act(request: Request, public_id: str, action: str) -> Response:
        form, ident = await posted_form(request), public_id[:MAX_ID]
        try:
            outcome = await run_in_threadpool(_take, app, request.state.user, ident,
                                              action[:40], form)
        except PermissionError as exc:
            return show(app, request, ident, 403, _sentence(str(exc)))
        except LookupError:
            return _missing(app, request, "The workspace has no such action.")
        except Refused as exc:
            return show(app, request, ident, 400, _sentence(exc.message))
        if outcome.refused:
            return show(app, request, ident, 409, _sentence(outcome.refused[0][1]))
        return RedirectResponse(f"/workspace/documents/{outcome.changed[0]}?done={action}",
                                status_code=303)

    return router


def show(app: App, request: Request, ident: str, status: int = 200,
         refusal: str = "") -> Response:
    """A document's workspace page; ``refusal`` says why a step was not taken."""
    user: User = request.state.user
    found = workspace.document(app.publishing, user, ident[:MAX_ID], app.editing)
    if found is None:
        return _missing(app, request, "No document has this id.")
    done = DONE.get(request.query_params.get("done", "")) if status == 200 else None
    pending_rows = field_diffs(found.pending[1]) if found.pending else []
    return page(app, request, "workspace_document.html", {
        "pending_rows": pending_rows, "may_revert": history.may_revert(user, found.history),
        "user": user, "csrf": form_token(session_token(request)), "doc": found,
        "refusal": refusal, "done": done, "labels": LABELS, "when": when,
        "public": Reader.public().can_view(found.history.publication), "max_note": MAX_NOTE,
        "redacting": redaction_panel(app, user, found.history.public_id)}, status=status)


def _take(app: App, user: User, ident: str, action: str, form: dict[str, str]) -> Outcome:
    """Take the action, then catch the search index up so the public search follows at once."""
    if action in workspace.REVIEW:
        outcome = workspace.review_change(app.editing, user, ident, action, form)
    else:
        outcome = workspace.take_action(app.publishing, user, ident, action, form)
    if outcome.changed:
        search.refresh_index(app.catalogue, app.index)
    return outcome


def _missing(app: App, request: Request, message: str) -> Response:
    return page(app, request, "error.html", {"heading": "Not found", "message": message},
                status=404)


def _sentence(reason: str) -> str:
    return "Not done: " + reason + ("" if reason.endswith(".") else ".")
