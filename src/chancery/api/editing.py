"""The API's editing endpoints, by an account's write token: read a document's record as it
is to be edited, make a draft, change a document (a published one's change waits for review).

Optimistic locking: a change names the version it was made on, by ``If-Match`` (the ETag of
the draft or of the last save: 412 when stale), ``If-Unmodified-Since`` (its Last-Modified:
412) or a ``seen`` field (409); with none of them, 428. Field errors answer 422 in FastAPI's
own shape, one entry per field (``loc`` ["body", "texts", "0", "language"])."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from fastapi import APIRouter, Depends, Header, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from chancery.api import auth
from chancery.api.writes import ERRORS, MAX_COMMENT, _catch_up
from chancery.bootstrap import App
from chancery.domain.corrections import MAX_NOTE
from chancery.domain.editing import Conflict, Invalid
from chancery.domain.tokens import Caller
from chancery.domain.workflow import Refused
from chancery.services.acting import NotAllowed, Unknown
from chancery.services.editing import NotFound, Saved

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_RECORD = ("A partial document record (docs/bundle-format.md): title, type, date (as printed "
           "or ISO), summary, classification, number, provenance or its fields "
           "(reference_code, holding_archive, rights…), links [{ref | name+kind, role}], "
           "texts, collections, relations")
EDIT_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": ERRORS[409]["model"], "description": "Someone changed the document since "
                                                        "the version named by `seen`"},
    412: {"model": ERRORS[409]["model"], "description": "Someone changed the document since "
                                                        "the version If-Match or "
                                                        "If-Unmodified-Since names"},
    428: {"model": ERRORS[409]["model"], "description": "A change must name the version it "
                                                        "was made on"},
}


class DocumentIn(BaseModel):
    """A document record; fields not named keep their value (a new draft: their default)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"description": _RECORD})
    title: str | None = Field(None, description="Required for a new draft")
    comment: str = Field("", max_length=MAX_COMMENT, description="Why: kept in the history")
    seen: datetime | None = Field(None, description="The `seen` of the draft this change was "
                                                    "made on (or send If-Match)")
    public_note: str | None = Field(None, max_length=MAX_NOTE,
                                    description="A published document's change: the note "
                                                "readers see once a reviewer approves it "
                                                "('Corrected on DATE: NOTE')")


class SavedOut(BaseModel):
    """A save: whether it waits for a reviewer, and the version to name in the next change."""

    public_id: str
    pending: bool = Field(description="true: the change waits for review; the public keeps "
                                      "the published version until a reviewer approves it")
    seen: datetime
    etag: str = Field(description="Send as If-Match with the next change")


class DraftOut(SavedOut):
    """A document's record as it is to be edited: the pending change's, if one waits."""

    record: dict[str, Any]


def editing_routes(app: App) -> APIRouter:
    """GET /documents/{id}/draft, POST /documents, PATCH /documents/{id}."""
    router = APIRouter(responses=EDIT_ERRORS)
    write = Depends(auth.writer_of(app))

    @router.get("/documents/{public_id}/draft", response_model=DraftOut,
                openapi_extra=auth.TOKEN_NEEDED,
                summary="A document's record to edit, with its version (needs a write token)")
    def draft(public_id: str, caller: Caller = write) -> JSONResponse:
        with _answers(Conflict):
            found, record, seen, pending = app.acting.draft(caller, public_id)
        stamp = seen or _EPOCH
        out = DraftOut(public_id=found, pending=pending, seen=stamp, etag=etag_of(stamp),
                       record=record)
        return JSONResponse(out.model_dump(mode="json"), headers=_version(stamp))

    @router.post("/documents", response_model=SavedOut, status_code=201,
                 responses={422: {"description": "Fields that are not right, one per field"}},
                 summary="Make a draft from a record (needs a write token)")
    def create(body: DocumentIn, caller: Caller = write) -> JSONResponse:
        record = body.model_dump(exclude={"comment", "seen", "public_note"}, exclude_unset=True)
        try:
            with _answers(Conflict):
                saved = app.acting.create(caller, record, body.comment)
        except Invalid as exc:
            return _invalid(exc)
        _catch_up(app)
        return _saved(saved, 201, {"Location": f"/api/v1/documents/{saved.public_id}"})

    @router.patch("/documents/{public_id}", response_model=SavedOut,
                  responses={422: {"description": "Fields that are not right, one per field"}},
                  summary="Change a document's record (needs a write token)")
    def change(public_id: str, body: DocumentIn, caller: Caller = write,
               if_match: str | None = Header(None),
               if_unmodified_since: str | None = Header(None)) -> JSONResponse:
        changes = body.model_dump(exclude={"comment", "seen", "public_note"}, exclude_unset=True)
        seen, header = _precondition(app, caller, public_id, body.seen, if_match,
                                     if_unmodified_since)
        try:
            with _answers(412 if header else 409):
                saved = app.acting.edit(caller, public_id, changes, seen, body.comment,
                                        body.public_note)
        except Invalid as exc:
            return _invalid(exc)
        _catch_up(app)
        return _saved(saved, 200)

    return router


def etag_of(stamp: datetime) -> str:
    """The strong ETag of a version: its stamp in microseconds."""
    delta = stamp.astimezone(UTC) - _EPOCH
    return f'"v{delta // timedelta(microseconds=1)}"'


def stamp_of(tag: str) -> datetime | None:
    """The stamp an ETag names; None when it is not one of ours (it then matches nothing)."""
    text = tag.strip().removeprefix("W/").strip('"')
    if not text.startswith("v") or not text[1:].isdigit():
        return None
    return _EPOCH + timedelta(microseconds=int(text[1:]))


def _precondition(app: App, caller: Caller, ident: str, seen: datetime | None,
                  if_match: str | None, if_unmodified_since: str | None) -> tuple[Any, bool]:
    """(the version the change was made on, whether a header named it); 428 with none."""
    if if_match:
        return stamp_of(if_match) or _EPOCH, True
    if if_unmodified_since:
        try:
            limit = parsedate_to_datetime(if_unmodified_since)
        except (TypeError, ValueError):
            raise HTTPException(400, "If-Unmodified-Since is not an HTTP date") from None
        with _answers(412):
            now = app.acting.draft(caller, ident)[2]
        # HTTP dates have whole seconds: a version within that second counts as unmodified
        if now is not None and now.replace(microsecond=0) > limit.astimezone(UTC):
            raise HTTPException(412, f"the document changed at {format_datetime(now, True)}")
        return now, True
    if seen is None:
        raise HTTPException(428, "name the version this change was made on: If-Match with the "
                                 "etag of GET /documents/{id}/draft, or its seen field")
    return seen, False


@contextmanager
def _answers(conflict: int | type[Conflict]) -> Iterator[None]:
    """The services' refusals as HTTP answers; a stale version answers ``conflict``."""
    try:
        yield
    except NotAllowed as exc:
        raise HTTPException(403, str(exc)) from None
    except (Unknown, NotFound) as exc:
        raise HTTPException(404, f"no document {str(exc)!r}") from None
    except Conflict as exc:
        raise HTTPException(conflict if isinstance(conflict, int) else 409,
                            exc.message) from None
    except Refused as exc:
        raise HTTPException(409, exc.message) from None


def _saved(saved: Saved, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    out = SavedOut(public_id=saved.public_id, pending=saved.pending, seen=saved.updated_at,
                   etag=etag_of(saved.updated_at))
    return JSONResponse(out.model_dump(mode="json"), status_code=status,
                        headers={**(headers or {}), **_version(saved.updated_at)})


def _version(stamp: datetime) -> dict[str, str]:
    return {"ETag": etag_of(stamp), "Last-Modified": format_datetime(stamp.astimezone(UTC), True)}


def _invalid(exc: Invalid) -> JSONResponse:
    """Field errors in FastAPI's own 422 shape, with a sentence beside them."""
    detail = [{"loc": ["body", *path.split(".")], "msg": message, "type": "value_error"}
              for path, message in exc.errors.items()]
    return JSONResponse({"error": "some fields are not right; nothing was stored",
                         "detail": detail}, status_code=422)
