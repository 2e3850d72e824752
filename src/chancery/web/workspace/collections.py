"""The collection editor in the workspace: the tree with a form to create a collection, and
on a collection's page its title, description and parent, and buttons that move it among
its siblings and its documents within it.

Every form posts through the workspace's guard (session, role, CSRF) to
services/collection_editing; a change answers 303 to the collection (at its new key after a
move) with ?done=WHAT; a refused one shows the page again, 400, with each message beside its
field and what was typed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from chancery.bootstrap import App
from chancery.domain.accounts import form_token
from chancery.domain.workflow import Acting
from chancery.services import search
from chancery.services.authority_editing import Invalid
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.forms import page, posted_form, session_token

DONE = {"created": "The collection is made.", "saved": "Saved.", "up": "Moved up.",
        "down": "Moved down.", "doc-up": "The document moved up.",
        "doc-down": "The document moved down."}


def routes(app: App) -> APIRouter:
    """GET/POST /workspace/collections, GET/POST /workspace/collections/{key}."""
    router = APIRouter(route_class=guarded_route(app))

    @router.get("/workspace/collections", include_in_schema=False)
    def tree(request: Request) -> Response:
        return _tree(app, request)

    @router.post("/workspace/collections", include_in_schema=False)
    async def create(request: Request) -> Response:
        form = await posted_form(request)
        try:
            key = await run_in_threadpool(app.collections.create, form,
                                          Acting.of(request.state.user))
        except Invalid as exc:
            return _tree(app, request, exc.errors, form)
        return RedirectResponse(f"/workspace/collections/{key}?done=created", status_code=303)

    @router.get("/workspace/collections/{key:path}", include_in_schema=False)
    def collection(request: Request, key: str) -> Response:
        if app.collections.detail(key) is None and (moved := app.collections.moved_to(key)):
            return RedirectResponse(f"/workspace/collections/{moved}", status_code=303)
        return _show(app, request, key)

    @router.post("/workspace/collections/{key:path}", include_in_schema=False)
    async def change(request: Request, key: str) -> Response:
        form, action = await posted_form(request), ""
        try:
            action, key_now = await run_in_threadpool(_change, app, key, form,
                                                      Acting.of(request.state.user))
        except LookupError:
            return _show(app, request, key)
        except Invalid as exc:
            return _show(app, request, key, exc.errors, form)
        await run_in_threadpool(search.refresh_index, app.catalogue, app.index)
        return RedirectResponse(f"/workspace/collections/{key_now}?done={action}", status_code=303)

    return router


def _change(app: App, key: str, form: dict[str, str], acting: Acting) -> tuple[str, str]:
    """(what was done, the collection's key now): the form's "do" says which change."""
    action = form.get("do", "save")
    if action in ("up", "down"):
        app.collections.move(key, action == "up", acting)
        return action, key
    if action in ("doc-up", "doc-down"):
        app.collections.move_member(key, form.get("document", ""), action == "doc-up", acting)
        return action, key
    return "saved", app.collections.save(key, form, acting)


def _tree(app: App, request: Request, errors: dict[str, str] | None = None,
          typed: dict[str, str] | None = None) -> Response:
    return page(app, request, "workspace_collections.html", {
        "tree": app.collections.tree(), "csrf": form_token(session_token(request)),
        "errors": errors or {}, "typed": typed or {}}, status=400 if errors else 200)


def _show(app: App, request: Request, key: str, errors: dict[str, str] | None = None,
          typed: dict[str, str] | None = None) -> Response:
    detail = app.collections.detail(key[:300])
    if detail is None:
        return page(app, request, "error.html", {
            "heading": "Not found", "message": "No collection has this key."}, status=404)
    done = DONE.get(request.query_params.get("done", "")) if not errors else None
    return page(app, request, "workspace_collection.html", {
        "d": detail, "c": detail.collection, "csrf": form_token(session_token(request)),
        "errors": errors or {}, "typed": typed or {}, "done": done},
        status=400 if errors else 200)
