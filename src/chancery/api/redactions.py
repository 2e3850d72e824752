"""The API's redaction endpoints, by an account's token: add a redaction (an editor's write
token; at once, as `chancery redact` and the workspace: services/redacting.py, boxes on scans
included), list a document's redactions with the words they withhold (any staff token, never
anonymous), ask for a removal (an editor's) and approve it (a reviewer's, four eyes). Each is
in the document's history and the audit log as the token's account, via=api."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path
from pydantic import BaseModel, Field

from chancery.api import auth
from chancery.api import models as m
from chancery.api.writes import ERRORS, MAX_COMMENT, _answers
from chancery.bootstrap import App
from chancery.domain.redactions import LINK_PREFIX, Redaction, RedactionKind
from chancery.domain.tokens import Caller
from chancery.services.redacting import MAX_REASON, Redacted, Wanted

MAX_WORDS = 10_000  # characters of the words to withhold: a passage, not a document
FieldName = Literal["title", "summary", "date", "classification", "source_note",
                    "reference_code"]  # REDACTABLE_FIELDS (a test keeps them the same)
Reason = Annotated[str, Field(min_length=1, max_length=MAX_REASON, pattern=r"\S",
                              description="Why: an exemption such as (b)(6), or privacy; the "
                                          "public reads [redacted: REASON]")]
RedactionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The redaction's id")]
ADD_ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": m.Error, "description": "What cannot be redacted as asked: no such text "
                                           "version, field value, link or page, words that do "
                                           "not occur, a box off the page, already redacted"}}
MOVE_ERRORS: dict[int | str, dict[str, object]] = {
    409: {"model": m.Error, "description": "No such redaction on this document, one not in "
                                           "the state this starts from, or four eyes (who "
                                           "asked for a removal may not approve it)"}}


class TextRedactionIn(BaseModel):
    """Every occurrence of some words in one text version."""

    kind: Literal["text"]
    reason: Reason
    version: str = Field(min_length=1, max_length=100,
                         description="The version's key (en-original) or its language (en)")
    text: str = Field(min_length=1, max_length=MAX_WORDS, pattern=r"\S",
                      description="The exact words (white space and case do not matter)")


class FieldRedactionIn(BaseModel):
    """A field of the record: all of it, or some words of it."""

    kind: Literal["field"]
    reason: Reason
    field: FieldName
    text: str = Field("", max_length=MAX_WORDS, description="Some words of the field; \"\" "
                                                            "for all of it")


class LinkRedactionIn(BaseModel):
    """The document's link to an authority record, and with it the record's name."""

    kind: Literal["link"]
    reason: Reason
    link: str = Field(min_length=1, max_length=300,
                      description="The record's key, as in the document's agents (person/…)")


class BoxRedactionIn(BaseModel):
    """A region of a scan page, burned into every image, tile and download of it."""

    kind: Literal["box"]
    reason: Reason
    page: int = Field(ge=1, le=100_000, description="A page of the document's scans, counted "
                                                    "from 1 over all of them")
    box: str = Field(min_length=1, max_length=200,
                     description="x,y,w,h in pixels of the page as IIIF serves it in full, or "
                                 "pct:x,y,w,h in percent")


RedactionIn = Annotated[TextRedactionIn | FieldRedactionIn | LinkRedactionIn | BoxRedactionIn,
                        Body(discriminator="kind")]


class RedactionOut(BaseModel):
    """A redaction as the staff see it, the words it withholds included."""

    id: int
    state: Literal["active", "removal-requested", "removed"] = Field(
        description="active and removal-requested are in force; removed is lifted")
    kind: Literal["text", "field", "link", "box"]
    reason: str
    text: str = Field(description="The words withheld; \"\" for a whole field, a link, a box")
    version: str = Field(description="text: the version's key")
    field: str = Field(description="field: the field's name")
    link: str = Field(description="link: the record's key")
    page: int | None = Field(description="box: the page, counted over the document's scans")
    box: str | None = Field(description="box: x,y,w,h as fractions (0–1) of the page")
    scan: str | None = Field(description="box: the SHA-256 of the original scan")
    by: str
    at: datetime | None


class ElsewhereOut(BaseModel):
    """Where else in the document the words occur (not covered by this redaction)."""

    where: str = Field(description="A text version's key, title or summary")
    count: int


class RedactedOut(BaseModel):
    """A redaction made: how often its words were found, and where else they occur."""

    public_id: str
    redaction: RedactionOut
    found: int = Field(description="Occurrences covered (0 for a link or a box)")
    elsewhere: list[ElsewhereOut]


class RedactionListOut(BaseModel):
    """Every redaction a document has had, removed ones too, oldest first."""

    public_id: str
    items: list[RedactionOut]


class RemovalIn(BaseModel):
    """Why a redaction should be lifted, or why its removal is approved."""

    comment: str = Field("", max_length=MAX_COMMENT, description="Kept in the history")


def redaction_routes(app: App) -> APIRouter:
    """GET and POST /documents/{public_id}/redactions; POST …/{redaction_id}/request-removal
    and …/approve-removal."""
    router = APIRouter(responses=ERRORS)
    write = Depends(auth.writer_of(app))
    staff = Depends(auth.writer_of(app, "a token of an editor, a reviewer or an admin"))

    @router.post("/documents/{public_id}/redactions", response_model=RedactedOut,
                 status_code=201, responses=ADD_ERRORS,
                 summary="Redact words, a field, a link or a box on a scan, at once (an "
                         "editor's write token)")
    def add(public_id: str, body: RedactionIn, caller: Caller = write) -> RedactedOut:
        with _answers(app, refused=400):
            done = app.acting.redact(caller, public_id, _wanted(body))
        return _redacted(done)

    @router.get("/documents/{public_id}/redactions", response_model=RedactionListOut,
                openapi_extra=auth.TOKEN_NEEDED,
                summary="A document's redactions, with their words (a staff account's token)")
    def listed(public_id: str, caller: Caller = staff) -> RedactionListOut:
        with _answers(app):
            found, items = app.acting.redactions(caller, public_id)
        return RedactionListOut(public_id=found, items=[redaction_out(r) for r in items])

    for action in ("request-removal", "approve-removal"):
        _removal(router, app, write, action)
    return router


def _removal(router: APIRouter, app: App, write: Any, action: str) -> None:
    approve = action == "approve-removal"
    summary = ("Lift a redaction whose removal was asked for (a reviewer's write token; not "
               "who asked)" if approve else "Ask for a redaction to be lifted; it stays in "
                                            "force until a reviewer approves (an editor's "
                                            "write token)")

    @router.post(f"/documents/{{public_id}}/redactions/{{redaction_id}}/{action}",
                 response_model=RedactionOut, responses=MOVE_ERRORS, summary=summary,
                 operation_id=action.replace("-", "_"))
    def move(public_id: str, redaction_id: RedactionId, body: RemovalIn,
             caller: Caller = write) -> RedactionOut:
        with _answers(app):
            done = app.acting.move_redaction(caller, public_id, redaction_id, approve,
                                             body.comment)
        return redaction_out(done)


def _wanted(body: TextRedactionIn | FieldRedactionIn | LinkRedactionIn | BoxRedactionIn
            ) -> Wanted:
    """The service's Wanted for a redaction as asked for (one kind at a time)."""
    if isinstance(body, TextRedactionIn):
        return Wanted(body.reason, body.text, version=body.version)
    if isinstance(body, FieldRedactionIn):
        return Wanted(body.reason, body.text, field=body.field)
    if isinstance(body, LinkRedactionIn):
        return Wanted(body.reason, link=body.link)
    return Wanted(body.reason, page=body.page, box=body.box)


def redaction_out(r: Redaction) -> RedactionOut:
    """A stored redaction as the API gives it to the staff."""
    link = r.field[len(LINK_PREFIX):] if r.field.startswith(LINK_PREFIX) else ""
    kind: Literal["text", "field", "link", "box"] = "link" if link else r.kind.value
    box = r.kind is RedactionKind.BOX
    return RedactionOut(id=r.id, state=r.state.value, kind=kind, reason=r.reason, text=r.text,
                        version=r.version, field="" if link else r.field, link=link,
                        page=r.page if box else None,
                        box=r.box.canonical if box and r.box else None,
                        scan=r.media if box else None, by=r.by, at=_utc(r.at))


def _utc(at: datetime | None) -> datetime | None:
    """A stored time in UTC (SQLite gives it back without its zone; PostgreSQL with it), so
    one redaction reads the same from every route and backend."""
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def _redacted(done: Redacted) -> RedactedOut:
    return RedactedOut(public_id=done.public_id, redaction=redaction_out(done.redaction),
                       found=done.found,
                       elsewhere=[ElsewhereOut(where=w, count=n) for w, n in done.elsewhere])
