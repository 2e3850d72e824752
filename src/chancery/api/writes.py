"""The API's write endpoints: workflow steps and embargoes, by an account's write token.

The checks are the services' (services/acting.py: scope and role; services/publishing.py: the
workflow and four eyes); this module turns their refusals into HTTP answers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date as Date
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from chancery.api import auth
from chancery.api import models as m
from chancery.bootstrap import App
from chancery.domain.editing import Conflict
from chancery.domain.publication import Publication
from chancery.domain.tokens import Caller
from chancery.domain.workflow import Refused, Step
from chancery.search.interface import IndexUnavailable
from chancery.services import search
from chancery.services.acting import NotAllowed, Unknown
from chancery.services.editing import NotFound

log = logging.getLogger("chancery.api")
MAX_COMMENT = 2000  # characters: a reason, not a document

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": m.Error, "description": "A body that cannot be read as JSON"},
    401: {"model": m.Error, "description": "No bearer token, or one that is unknown, revoked "
                                           "or whose account is disabled"},
    403: {"model": m.Error, "description": "A read token, or an account whose role may not "
                                           "do this"},
    404: {"model": m.Error, "description": "No document by that id"},
    409: {"model": m.Error, "description": "The workflow refuses: the document's state does "
                                           "not allow this step, four eyes, or nothing to change"},
    429: {"model": m.Error, "description": "Too many requests; see Retry-After"},
}


class StateIn(BaseModel):
    """A workflow step to take (docs/editing.md)."""

    action: Literal["submit", "publish", "withdraw", "reinstate", "request-changes"] = Field(
        description="submit: draft → in review (editors and above); publish, withdraw, "
                    "reinstate, request-changes: reviewers and admins")
    comment: str = Field("", max_length=MAX_COMMENT,
                         description="Why: kept in the history; request-changes needs one")


class EmbargoIn(BaseModel):
    """An embargo to set (the day the document becomes public by itself) or clear (null)."""

    until: Date | None = Field(description="A day after today, or null to lift the embargo")
    comment: str = Field("", max_length=MAX_COMMENT, description="Why: kept in the history")


class PublicationOut(BaseModel):
    """A document's publication after the change."""

    public_id: str
    state: str = Field(description="draft, in-review, published or withdrawn")
    embargo_until: Date | None


def write_routes(app: App) -> APIRouter:
    """POST /documents/{public_id}/state and /embargo."""
    router = APIRouter(responses=ERRORS)
    write = Depends(auth.writer_of(app))

    @router.post("/documents/{public_id}/state", response_model=PublicationOut,
                 summary="Take a workflow step (needs a write token)")
    def change_state(public_id: str, body: StateIn, caller: Caller = write) -> PublicationOut:
        with _answers(app):
            done = app.acting.take_step(caller, public_id, Step(body.action), body.comment)
        return _out(public_id, done)

    @router.post("/documents/{public_id}/embargo", response_model=PublicationOut,
                 summary="Set or lift an embargo (needs a write token)")
    def change_embargo(public_id: str, body: EmbargoIn, caller: Caller = write) -> PublicationOut:
        with _answers(app):
            done = app.acting.set_embargo(caller, public_id, body.until, body.comment)
        return _out(public_id, done)

    return router


def _out(public_id: str, publication: Publication) -> PublicationOut:
    return PublicationOut(public_id=public_id, state=publication.state.value,
                          embargo_until=publication.embargo_until)


@contextmanager
def _answers(app: App, refused: int = 409, conflict: int = 409) -> Iterator[None]:
    """The services' refusals as HTTP answers (``refused``: the status of what the service
    refuses, ``conflict``: of a version that is stale); after a change, the search index
    catches up (as the CLI's commands do), so search follows a withdrawal at once."""
    try:
        yield
    except NotAllowed as exc:
        raise HTTPException(403, str(exc)) from None
    except (Unknown, NotFound) as exc:
        raise HTTPException(404, f"no document {str(exc)!r}") from None
    except Conflict as exc:
        raise HTTPException(conflict, exc.message) from None
    except Refused as exc:
        raise HTTPException(refused, exc.message) from None
    _catch_up(app)


_INDEXING = threading.Lock()  # one writer of the index per process (Tantivy allows one)


def _catch_up(app: App) -> None:
    with _INDEXING:
        try:
            search.refresh_index(app.catalogue, app.index)
        except (IndexUnavailable, ValueError) as exc:  # ValueError: another process writes
            # the change is stored; the index catches up at the next change or command
            log.warning("search index not caught up after an API change: %s", exc)
