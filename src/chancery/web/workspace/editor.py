"""The document editor: GET/POST /workspace/documents/new (a draft made by hand) and
GET/POST /workspace/documents/{id}/edit (every field of the record, its text versions and
scans), with the pickers' lookups under /workspace/lookup/.

A save goes to services/editing. What is not right is shown beside its field, with a summary
at the top that links to each, and the form comes back with everything as typed (400); a
document changed by someone else since the form was opened is not overwritten: the form comes
back as typed, saying who changed it and when, with a link to their change (409). A published
document's change waits for a reviewer. Names of people, places and subjects, and the other
document of a relation, may be typed in any spelling: one match is taken, several are offered
to choose from. Buttons named ``more`` add an empty row without saving (no script needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response

from chancery.bootstrap import App
from chancery.domain.accounts import User, form_token
from chancery.domain.authorities import Role
from chancery.domain.corrections import MAX_NOTE
from chancery.domain.editing import Conflict, Invalid, checked, merged
from chancery.domain.records import Record
from chancery.domain.workflow import Acting, Refused
from chancery.services import search
from chancery.services.editing import NotFound
from chancery.web.workspace import editor_page
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.editor_form import (
    LINK_ROLES,
    Posted,
    Values,
    record_of,
    values_of,
)
from chancery.web.workspace.editor_scans import scans_of, seal_key, sealed_values, store_uploads
from chancery.web.workspace.forms import (
    FormLimits,
    forbidden,
    page,
    posted_form,
    session_token,
)

TEXT_BYTES = 8 * 1024 * 1024  # one field: a text version of a long report is a few MB at most
MAX_FIELDS = 4000  # a record with hundreds of names and many versions and scans
MAX_FILES = 20  # scans in one save
MAX_ID = 200
NEW = "/workspace/documents/new"


def editor_limits(app: App) -> FormLimits:
    """The editor's forms: text versions and scans up to the import's file size limit."""
    body = app.settings.max_file_size + TEXT_BYTES
    return FormLimits(body=body, field=TEXT_BYTES, fields=MAX_FIELDS, files=MAX_FILES,
                      too_large=f"This save is larger than the editor takes: at most "
                                f"{_mb(app.settings.max_file_size)} of scans in one save "
                                f"(the import's limit, max_file_size) and "
                                f"{_mb(TEXT_BYTES)} for one text version. Add large scans "
                                "one save at a time, or import them with chancery import.")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


@dataclass
class Screen:
    """The editor as one answer shows it."""

    values: Values
    doc: str = ""  # the document's public id; "" for a new one
    seen: str = ""  # the stamp the form was opened on (optimistic locking)
    published: bool = False
    pending: tuple[str, datetime | None] | None = None  # a change waiting: by whom, when
    errors: dict[str, str] = field(default_factory=dict)  # input name -> message
    conflict: str = ""
    notice: str = ""
    candidates: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    more: str = ""  # the list an empty row was asked for


def routes(app: App) -> APIRouter:
    """The editor's routes (they come before /workspace/documents/{public_id}/{action})."""
    router = APIRouter(route_class=guarded_route(app, editor_limits(app)))

    @router.get(NEW, include_in_schema=False)
    def new_form(request: Request) -> Response:
        return editor_page.show(app, request, Screen(_blank()))

    @router.get("/workspace/documents/{public_id}/edit", include_in_schema=False)
    def edit_form(request: Request, public_id: str) -> Response:
        try:
            screen = _opened(app, request, public_id[:MAX_ID])
        except NotFound:
            return editor_page.missing(app, request)
        except Refused as exc:
            return forbidden(app, request, exc.message)
        return editor_page.show(app, request, screen)

    @router.post(NEW, include_in_schema=False)
    async def create(request: Request) -> Response:
        return await _posted(app, request, "")

    @router.post("/workspace/documents/{public_id}/edit", include_in_schema=False)
    async def save(request: Request, public_id: str) -> Response:
        return await _posted(app, request, public_id[:MAX_ID])

    _lookups(app, router)
    return router


def _blank() -> Values:
    return values_of({})


def _opened(app: App, request: Request, ident: str, values: Values | None = None) -> Screen:
    """The form on a document as it stands (its pending change, if one waits)."""
    user: User = request.state.user
    record, seen, waiting = app.editing.draft_of(ident, Acting.of(user))
    found = app.editing.pending(ident) if waiting else None
    state = app.publishing.history(ident)
    public_id = state.public_id if state else ident
    shown = values or {**values_of(record),
                       **sealed_values(record.get("media") or [], _key(request)),
                       "public_note": (found[0].public_note or "") if found else ""}
    return Screen(shown, public_id, seen.isoformat() if seen else "",
                  published=bool(state and state.publication.state.value == "published"),
                  pending=(found[0].authors[-1], found[0].updated_at) if found else None)


def _key(request: Request) -> bytes:
    return seal_key(session_token(request))


async def _posted(app: App, request: Request, ident: str) -> Response:
    form = dict(await posted_form(request, editor_limits(app)))
    uploads = list(getattr(request.state, "uploads", []))
    try:
        return await run_in_threadpool(_save, app, request, ident, form, uploads)
    except NotFound:
        return editor_page.missing(app, request)
    except Refused as exc:  # a role that may not edit
        return forbidden(app, request, exc.message)


def _save(app: App, request: Request, ident: str, values: Values,
          uploads: list[tuple[str, Any]]) -> Response:
    """Check, resolve and save the posted form; the form again when it does not go in."""
    key, acting = _key(request), Acting.of(request.state.user)
    refused = store_uploads(app.editor, uploads, values, key)
    screen = _screen(app, request, ident, values)
    current = app.editing.draft_of(ident, acting)[0] if ident else {}
    posted = record_of(values, current)
    media, scan_errors = scans_of(values, key, app.editor)
    screen.errors.update(scan_errors)
    if refused:
        screen.errors["scans"] = "Not added: " + "; ".join(refused)
    _resolve(app, posted, screen)
    if values.get("more"):
        screen.more = values["more"]
        return editor_page.show(app, request, screen)
    if len(" ".join(values.get("public_note", "").split())) > MAX_NOTE:
        screen.errors["public_note"] = f"a public note is at most {MAX_NOTE} characters"
    if screen.errors or posted.errors:
        return _invalid(app, request, screen, posted, current)
    scans = None if media == (current.get("media") or []) else media
    try:
        saved = _store(app, acting, ident, posted.record, screen.seen, values, scans)
    except Invalid as exc:
        screen.errors.update({posted.rows.form_key(k): v for k, v in exc.errors.items()})
        return editor_page.show(app, request, screen, 400)
    except Conflict as exc:
        return _conflict(app, request, screen, exc)
    except Refused as exc:
        screen.notice = exc.message
        return editor_page.show(app, request, screen, 403)
    search.refresh_index(app.catalogue, app.index)
    done = "created" if not ident else ("proposed" if saved.pending else "saved")
    return RedirectResponse(f"/workspace/documents/{saved.public_id}?done={done}",
                            status_code=303)


def _screen(app: App, request: Request, ident: str, values: Values) -> Screen:
    """The screen for a posted form: the document's state now, the values as posted."""
    if not ident:
        return Screen(values)
    screen = _opened(app, request, ident, values)
    screen.seen = values.get("seen", "")
    return screen


def _store(app: App, acting: Acting, ident: str, record: Record, seen: str, values: Values,
           scans: list[Record] | None) -> Any:
    comment = values.get("comment", "")[:2000]
    if not ident:
        return app.editing.create(record, acting, comment, scans=scans or [])
    note = values.get("public_note")  # None: the form had none (not published), keep any
    return app.editing.edit(ident, record, acting, _stamp(seen), comment, scans=scans,
                            note=note)


def _stamp(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _invalid(app: App, request: Request, screen: Screen, posted: Posted,
             current: Record) -> Response:
    """The form again with what the form found and what editing's field checks find (so
    every message shows at once, not one round at a time)."""
    screen.errors.update(posted.errors)
    _, _, more = checked(merged(current, posted.record)[0])
    for k, v in more.items():
        screen.errors.setdefault(posted.rows.form_key(k), v)
    return editor_page.show(app, request, screen, 400)


def _conflict(app: App, request: Request, screen: Screen, exc: Conflict) -> Response:
    """The form as typed, saying who changed the document and when; the stamp is now theirs,
    so saving again puts this version over theirs, knowingly."""
    fresh = _opened(app, request, screen.doc)
    screen.seen, screen.conflict = fresh.seen, exc.message
    return editor_page.show(app, request, screen, 409)


def _resolve(app: App, posted: Posted, screen: Screen) -> None:
    """Put records' keys for the names typed, and documents' ids for the relations' words;
    a spelling with several matches or none is an error beside its field."""
    links = posted.record["links"]
    for n, typed in posted.spellings.items():
        role = _role(links[n]["role"])
        found = app.editor.authorities(typed, role)
        name = posted.rows.form_key(f"links.{n}")
        if any(c.key == typed for c in found):
            continue
        if len(found) == 1:
            links[n]["ref"] = found[0].key
        elif found:
            screen.errors[f"{name}.ref"] = f"{len(found)} records match “{typed}”: choose one"
            screen.candidates[name] = [(c.key, editor_page.describe(c)) for c in found]
        else:
            screen.errors[f"{name}.ref"] = (f"no record is named “{typed}”; check the "
                                            "spelling, or choose to make a new record")
    _resolve_relations(app, posted, screen)


def _resolve_relations(app: App, posted: Posted, screen: Screen) -> None:
    relations = posted.record["relations"]
    for n, typed in posted.targets.items():
        if "/" in typed or ":" in typed:  # another archive's id: editing takes it as it is
            continue
        found = app.editor.documents(typed)
        if any(f.public_id == typed for f in found) or not found:
            continue  # editing says when there is no such document
        name = posted.rows.form_key(f"relations.{n}")
        if len(found) == 1:
            relations[n]["target"] = found[0].public_id
        else:
            screen.errors[f"{name}.target"] = f"{len(found)} documents match “{typed}”: choose one"
            screen.candidates[name] = [(f.public_id, f"{f.title} ({f.date or 'undated'})")
                                       for f in found]


def _role(value: str) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


def _lookups(app: App, router: APIRouter) -> None:
    """GET /workspace/lookup/authorities and /workspace/lookup/documents: a search form and
    its matches (HTML), or the matches as JSON for the editor's script (``format=json``)."""

    @router.get("/workspace/lookup/authorities", include_in_schema=False)
    def authorities(request: Request, q: str = "", role: str = "", format: str = "") -> Response:
        found = app.editor.authorities(q[:200], _role(role[:40]))
        rows = [{"key": c.key, "name": c.name, "kind": c.kind, "label": editor_page.describe(c)}
                for c in found]
        if format == "json":
            return JSONResponse(rows, headers={"Cache-Control": "no-store"})
        return page(app, request, "workspace_lookup.html", {
            "what": "authorities", "q": q[:200], "role": role[:40], "rows": rows,
            "roles": LINK_ROLES, "csrf": form_token(session_token(request))})

    @router.get("/workspace/lookup/documents", include_in_schema=False)
    def documents(request: Request, q: str = "", format: str = "") -> Response:
        rows = [{"key": f.public_id, "name": f.title, "label": f"{f.title} ({f.date or 'undated'})"}
                for f in app.editor.documents(q[:500])]
        if format == "json":
            return JSONResponse(rows, headers={"Cache-Control": "no-store"})
        return page(app, request, "workspace_lookup.html", {
            "what": "documents", "q": q[:500], "rows": rows, "role": "", "roles": LINK_ROLES,
            "csrf": form_token(session_token(request))})
