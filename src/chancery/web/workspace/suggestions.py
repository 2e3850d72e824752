"""A document's suggested metadata beside its scan: GET /workspace/documents/{id}/suggestions
lists them by kind, each with its value, confidence and the words it came from; POST to the
same address takes a decision: ``id`` and ``decision`` (accept, correct with ``value``,
reject) for one, or ``kind`` and ``decision`` (accept-all, reject-all) for all of one kind.

Every form posts through the workspace's guard (session, role, CSRF) to services/suggestion_review;
a decision taken answers 303 back to the page with ?done=…; one refused shows the page again
with the reason: 403 for the role, 404 for a suggestion that is not there, 409 for one
decided already or a document changed since, 400 for a value that does not fit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from chancery.bootstrap import App
from chancery.domain.accounts import User, form_token
from chancery.domain.editing import Conflict
from chancery.domain.suggestion_fields import MAX_CORRECTION
from chancery.domain.suggestions import Decision, Kind
from chancery.domain.workflow import Acting, Refused
from chancery.services import search
from chancery.services.editing import NotFound
from chancery.services.suggestion_review import AlreadyDecided, Decided
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.forms import forbidden, page, posted_form, session_token, when
from chancery.web.workspace.scan_view import scan_pages

MAX_ID = 200
HEADINGS = {Kind.DATE: "Date", Kind.CLASSIFICATION: "Classification", Kind.TYPE: "Type",
            Kind.FROM: "From", Kind.TO: "To", Kind.PERSON: "People",
            Kind.ORGANIZATION: "Organizations", Kind.PLACE: "Places",
            Kind.RELATION: "Relations to other documents", Kind.SUMMARY: "Summary",
            Kind.LANGUAGE: "Language", Kind.RELEASE: "Release stamp (not the document's date)"}
_ONE = {"accept": Decision.ACCEPTED, "correct": Decision.CORRECTED, "reject": Decision.REJECTED}
_ALL = {"accept-all": Decision.ACCEPTED, "reject-all": Decision.REJECTED}
DONE = {"accepted": "Accepted: the record has it now.",
        "corrected": "Corrected: the record has your value.",
        "rejected": "Rejected: it will not be offered again.",
        "proposed": "Accepted into a change waiting for review: readers keep the published "
                    "version until a reviewer approves it."}


def routes(app: App) -> APIRouter:
    """GET and POST /workspace/documents/{public_id}/suggestions (before the document
    page's POST …/{action}, which would take "suggestions")."""
    router = APIRouter(route_class=guarded_route(app))

    @router.get("/workspace/documents/{public_id}/suggestions", include_in_schema=False)
    def suggestions_page(request: Request, public_id: str) -> Response:
        return show(app, request, public_id[:MAX_ID])

    @router.post("/workspace/documents/{public_id}/suggestions", include_in_schema=False)
    async def decide(request: Request, public_id: str) -> Response:
        form, ident = await posted_form(request), public_id[:MAX_ID]
        try:
            done = await run_in_threadpool(_decide, app, request.state.user, ident, form)
        except NotFound as exc:
            return show(app, request, ident, 404, exc.message)
        except (Conflict, AlreadyDecided) as exc:
            return show(app, request, ident, 409, exc.message)
        except Refused as exc:  # a value that does not fit, a form that is not right
            return show(app, request, ident, 400, exc.message)
        return RedirectResponse(f"/workspace/documents/{ident}/suggestions?done={done}",
                                status_code=303)

    return router


def _decide(app: App, user: User, ident: str, form: dict[str, str]) -> str:
    """Take the posted decision; the key of what the page then says."""
    acting, wanted = Acting.of(user), form.get("decision", "")
    value = form.get("value", "")[:MAX_CORRECTION + 1]
    if form.get("kind"):
        kind = _kind(form["kind"])
        if wanted not in _ALL:
            raise Refused("no such decision: accept-all or reject-all")
        decided = app.suggestion_review.decide_kind(ident, kind, _ALL[wanted], acting)
    else:
        number = form.get("id", "")
        if wanted not in _ONE or not number.isdigit() or len(number) > 12:
            raise Refused("no such decision: accept, correct or reject a suggestion by its id")
        decided = app.suggestion_review.decide(ident, int(number), _ONE[wanted], acting,
                                        value if wanted == "correct" else "")
    search.refresh_index(app.catalogue, app.index)  # a draft's new fields in the staff search
    return _said(decided, _ONE.get(wanted) or _ALL[wanted])


def _said(decided: Decided, decision: Decision) -> str:
    if decided.saved is not None and decided.saved.pending:
        return "proposed"
    return decision.value


def _kind(text: str) -> Kind:
    try:
        return Kind(text)
    except ValueError:
        raise Refused("no such kind of suggestion") from None


def show(app: App, request: Request, ident: str, status: int = 200,
         refusal: str = "") -> Response:
    """The suggestions page; ``refusal`` says why a decision was not taken."""
    user: User = request.state.user
    try:
        acting = Acting.of(user)
        found = app.suggestion_review.suggested(ident, acting)
    except NotFound:
        return page(app, request, "error.html", {"heading": "Not found",
                                                 "message": "No document has this id."},
                    status=404)
    except Refused as exc:
        return forbidden(app, request, exc.message)
    done = DONE.get(request.query_params.get("done", "")) if status == 200 else None
    context: dict[str, Any] = {
        "user": user, "csrf": form_token(session_token(request)), "s": found,
        "headings": HEADINGS, "pages": scan_pages(found.document), "when": when,
        "refusal": refusal, "done": done, "max_value": MAX_CORRECTION,
        "has_ocr": any(t.is_machine_read for t in found.document.texts)}
    return page(app, request, "workspace_suggestions.html", context, status=status)
