"""The API's review endpoints, by a reviewer's write token: approve or reject the change
waiting for review on a published document (PATCH /documents/{id} made it), as
`chancery approve|reject` and the workspace's review do: four eyes, a comment to reject, the
public note readers are told of. The approval may name the version of the change it approves
(If-Match with the etag of GET /documents/{id}/draft, or `seen`), so a change made after
the reviewer read it is not approved unseen."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel, Field

from chancery.api import auth
from chancery.api.editing import _EPOCH, EDIT_ERRORS, stamp_of
from chancery.api.writes import MAX_COMMENT, _answers
from chancery.bootstrap import App
from chancery.domain.corrections import MAX_NOTE
from chancery.domain.tokens import Caller

REVIEW_ERRORS = {
    **EDIT_ERRORS,
    409: {"model": EDIT_ERRORS[409]["model"],
          "description": "No change waits for review; four eyes (its author may not approve "
                         "it); or it changed since the version named by `seen`"},
}


class ApproveIn(BaseModel):
    """An approval: why, what readers are told, and (optionally) the version approved."""

    comment: str = Field("", max_length=MAX_COMMENT, description="Kept in the history")
    public_note: str | None = Field(None, max_length=MAX_NOTE,
                                    description="What readers of a published document are "
                                                "told was corrected ('Corrected on DATE: "
                                                "NOTE'); null keeps the note its editor "
                                                "proposed, \"\" gives none")
    seen: datetime | None = Field(None, description="The `seen` of GET /documents/{id}/draft: "
                                                    "409 if the change moved since (or send "
                                                    "If-Match)")


class RejectIn(BaseModel):
    """A rejection: the change is discarded, the published version stays."""

    comment: str = Field(min_length=1, max_length=MAX_COMMENT, pattern=r"\S",
                         description="Why (needed): kept in the history for its author")


class ReviewedOut(BaseModel):
    """The decision taken on a document's pending change."""

    public_id: str
    decision: Literal["approved", "rejected"]


def review_routes(app: App) -> APIRouter:
    """POST /documents/{public_id}/changes/approve and /changes/reject."""
    router = APIRouter(responses=REVIEW_ERRORS)
    write = Depends(auth.writer_of(app))

    @router.post("/documents/{public_id}/changes/approve", response_model=ReviewedOut,
                 summary="Approve the change waiting for review (a reviewer's write token)")
    def approve(public_id: str, body: ApproveIn, caller: Caller = write,
                if_match: str | None = Header(None)) -> ReviewedOut:
        # an If-Match that is not one of our tags matches no version: 412
        seen = (stamp_of(if_match) or _EPOCH) if if_match else body.seen
        with _answers(app, conflict=412 if if_match else 409):
            done = app.acting.approve_change(caller, public_id, body.comment, seen,
                                             body.public_note)
        return ReviewedOut(public_id=done, decision="approved")

    @router.post("/documents/{public_id}/changes/reject", response_model=ReviewedOut,
                 summary="Reject the change waiting for review (a reviewer's write token)")
    def reject(public_id: str, body: RejectIn, caller: Caller = write) -> ReviewedOut:
        with _answers(app):
            done = app.acting.reject_change(caller, public_id, body.comment)
        return ReviewedOut(public_id=done, decision="rejected")

    return router
