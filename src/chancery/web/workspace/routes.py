"""The workspace's routes, and the access log kept free of set-password tokens."""

from __future__ import annotations

import logging
import re

from fastapi import APIRouter

from chancery.bootstrap import App
from chancery.web.workspace import (
    audit,
    authorities,
    collections,
    dashboard,
    documents,
    editor,
    history,
    jobs,
    login,
    originals,
    purge,
    redactions,
    scan_view,
    suggestions,
    transcription,
)
from chancery.web.workspace import search as workspace_search

_LINK = re.compile(r"(/set-password/)[^/?\s\"]+")


class HideLinkTokens(logging.Filter):
    """Writes /set-password/… into the access log without the token (uvicorn logs every
    request line; a token there would let anyone who reads the log set the password)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_LINK.sub(r"\1…", a) if isinstance(a, str) else a
                                for a in record.args)
        record.msg = _LINK.sub(r"\1…", record.msg) if isinstance(record.msg, str) else record.msg
        return True


def routes(app: App) -> APIRouter:
    """Login, logout, set-password, /workspace, its document pages and the editor."""
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, HideLinkTokens) for f in access_log.filters):
        access_log.addFilter(HideLinkTokens())
    router = APIRouter()
    router.include_router(login.routes(app))
    router.include_router(dashboard.routes(app))
    router.include_router(purge.routes(app))  # before …/{action}, which would take "purge"
    router.include_router(editor.routes(app))  # before documents/{public_id}/{action}
    router.include_router(history.routes(app))  # before …/{action}, which would take "revert"
    router.include_router(suggestions.routes(app))  # before …/{action} too
    router.include_router(transcription.routes(app))  # before …/{action} too
    router.include_router(documents.routes(app))
    router.include_router(authorities.routes(app))
    router.include_router(collections.routes(app))
    router.include_router(workspace_search.routes(app))
    router.include_router(audit.routes(app))
    router.include_router(originals.routes(app))
    router.include_router(redactions.routes(app))
    router.include_router(scan_view.routes(app))
    router.include_router(jobs.routes(app))
    return router
