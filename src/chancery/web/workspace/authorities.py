"""The authority editor in the workspace: find a record, then on its page edit the display
name, description and identifiers, add or remove names, merge another record into it, or
split some of its names and documents off into a new one.

Every form posts through the workspace's guard (session, role, CSRF) to
services/authority_editing; a change answers 303 back to the record with ?done=WHAT (a fixed
message); a refused one shows the page again, 400, with each message beside its field and
every field as it was typed."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from chancery.bootstrap import App
from chancery.domain.accounts import form_token
from chancery.domain.authorities import AuthorityKind, VariantSource
from chancery.domain.identifiers import LABELS, Scheme
from chancery.domain.workflow import Acting
from chancery.services import search
from chancery.services.authority_editing import Invalid
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.forms import page, posted_form, session_token

DONE = {"saved": "Saved.", "name-added": "The name is added.",
        "name-removed": "The name is removed: it no longer finds this record.",
        "merged": "Merged: the other record's documents, names and identifiers are here now, "
                  "and its address leads here.",
        "split": "Split: the new record has the names and documents you chose."}
SOURCES = [s.value for s in VariantSource]


def routes(app: App) -> APIRouter:
    """GET /workspace/authorities, GET/POST /workspace/authorities/{kind}/{slug} and the
    record's name, merge and split forms."""
    router = APIRouter(route_class=guarded_route(app))

    @router.get("/workspace/authorities", include_in_schema=False)
    def find(request: Request, kind: str = "", q: str = "") -> Response:
        found = app.authorities.find(kind[:20], q[:200])
        return page(app, request, "workspace_authorities.html", {
            "found": found, "kind": kind, "q": q, "kinds": [k.value for k in AuthorityKind]})

    @router.get("/workspace/authorities/{kind}/{slug}", include_in_schema=False)
    def record(request: Request, kind: str, slug: str) -> Response:
        key = f"{kind}/{slug}"
        if app.authorities.detail(key) is None and (moved := app.authorities.moved_to(key)):
            return RedirectResponse(f"/workspace/authorities/{moved}", status_code=303)
        return _show(app, request, key)

    for action, (done, change) in _CHANGES.items():
        _post(app, router, action, done, change)
    return router


def _post(app: App, router: APIRouter, action: str, done: str, change: Any) -> None:
    path = "/workspace/authorities/{kind}/{slug}" + (f"/{action}" if action else "")

    @router.post(path, include_in_schema=False, name=f"authority-{done}")
    async def post(request: Request, kind: str, slug: str) -> Response:
        key, form = f"{kind}/{slug}", await _fields(request)
        acting = Acting.of(request.state.user)
        try:
            target = await run_in_threadpool(change, app, key, form, acting)
        except LookupError:
            return _show(app, request, key)
        except Invalid as exc:
            return _show(app, request, key, exc.errors, {k: v[0] for k, v in form.items()})
        await run_in_threadpool(search.refresh_index, app.catalogue, app.index)
        return RedirectResponse(f"/workspace/authorities/{target or key}?done={done}",
                                status_code=303)


def _save(app: App, key: str, form: dict[str, list[str]], acting: Acting) -> None:
    app.authorities.save(key, _first(form), acting)


def _add_name(app: App, key: str, form: dict[str, list[str]], acting: Acting) -> None:
    app.authorities.add_name(key, _first(form), acting)


def _remove_name(app: App, key: str, form: dict[str, list[str]], acting: Acting) -> None:
    app.authorities.remove_name(key, _first(form).get("name", ""), acting)


def _merge(app: App, key: str, form: dict[str, list[str]], acting: Acting) -> None:
    app.authorities.merge(key, _first(form).get("other", ""), acting)


def _split(app: App, key: str, form: dict[str, list[str]], acting: Acting) -> str:
    """The new record's key: the answer goes to its page."""
    return app.authorities.split(key, _first(form).get("new_name", ""), form.get("names", []),
                                 form.get("documents", []), bool(form.get("follow")), acting)


# the path after the record's (its form's action) -> (the ?done= code, the change)
_CHANGES = {"": ("saved", _save), "names": ("name-added", _add_name),
            "names/remove": ("name-removed", _remove_name), "merge": ("merged", _merge),
            "split": ("split", _split)}


async def _fields(request: Request) -> dict[str, list[str]]:
    """Every value of every field (a split's checkboxes repeat theirs); the guard has read
    and bounded the body already."""
    await posted_form(request)
    return parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True)


def _first(form: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in form.items()}


def _show(app: App, request: Request, key: str, errors: dict[str, str] | None = None,
          typed: dict[str, str] | None = None) -> Response:
    detail = app.authorities.detail(key)
    if detail is None:
        return page(app, request, "error.html", {
            "heading": "Not found", "message": "No authority record has this key."}, status=404)
    done = DONE.get(request.query_params.get("done", "")) if not errors else None
    return page(app, request, "workspace_authority.html", {
        "d": detail, "a": detail.row, "csrf": form_token(session_token(request)),
        "errors": errors or {}, "typed": typed or {}, "done": done, "sources": SOURCES,
        "schemes": [(s.value, LABELS[s], " ".join(detail.identifiers(s))) for s in Scheme]},
        status=400 if errors else 200)
