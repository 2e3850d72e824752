"""A request id for every request, and, with log_format=json, one JSON line per request and
per message, each carrying it: what an operator greps for when a reader reports an error
page (the id is sent back as X-Request-ID), and what a log collector reads without parsing.

The id comes from a trusted proxy's X-Request-ID (nginx's $request_id), so the proxy's log
and ours share it; from anyone else it is made here, as a client must not write our logs."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chancery.config import Settings
from chancery.http.limits import client_address, forwarded_for
from chancery.telemetry import REQUEST_ID, JsonFormatter
from chancery.web.metrics import family_of

HEADER = "X-Request-ID"
# what a proxy's id may look like (nginx: 32 hex digits; HAProxy's unique-id-format: with
# colons, dots and underscores): anything else is replaced, never copied into a log line
WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,128}")
ACCESS = logging.getLogger("chancery.access")
_current = REQUEST_ID  # the request being answered (telemetry.py: its log lines carry it)


def current_request_id() -> str:
    """The id of the request being answered ("" outside one)."""
    return _current.get()


def request_id(given: str, from_trusted_proxy: bool) -> str:
    """The proxy's id when it may give one and it is well formed, else a new one."""
    if from_trusted_proxy and WELL_FORMED.fullmatch(given):
        return given
    return uuid.uuid4().hex


def uvicorn_logging(settings: Settings) -> dict[str, Any]:
    """uvicorn's logging arguments: as before for text; for json, every logger through the
    JSON formatter, and uvicorn's own access line left out (ours replaces it)."""
    if settings.log_format != "json":
        return {}
    handler = {"class": "logging.StreamHandler", "formatter": "json",
               "stream": "ext://sys.stderr"}
    config = {"version": 1, "disable_existing_loggers": False,
              "formatters": {"json": {"()": JsonFormatter}},
              "handlers": {"default": handler},
              "root": {"handlers": ["default"], "level": "INFO"},
              "loggers": {name: {"handlers": [], "propagate": True}
                          for name in ("uvicorn", "uvicorn.error", "uvicorn.access")}}
    return {"log_config": config, "access_log": False}


class RequestLog:
    """ASGI middleware: the request id (set for the request, returned as X-Request-ID) and,
    in json mode, the access line."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.trusted = settings.trusted_proxies
        self.access = settings.log_format == "json"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        peer = scope["client"][0] if scope.get("client") else ""
        rid = request_id(headers.get("x-request-id", ""), peer in self.trusted)
        proto = headers.get("x-forwarded-proto", "")
        if peer in self.trusted and proto in ("http", "https"):
            # the scheme the reader used, for the addresses the framework writes itself (a
            # trailing slash's redirect named http:// behind TLS; ours come from public_url)
            scope = {**scope, "scheme": proto}
        token = _current.set(rid)
        started, status = time.perf_counter(), 500

        async def with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = rid
            await send(message)

        try:
            await self.app(scope, receive, with_id)
        except BaseException:
            # the id stays set for what handles the error outside this middleware: the 500
            # page and its logged traceback (Starlette's handler is the outermost) and the
            # server's own error line; the request's task ends with it (it was reset here,
            # and a 500's page and log carried no id)
            raise
        else:
            _current.reset(token)
        finally:
            if self.access:
                self._log(scope, headers, peer, status, time.perf_counter() - started, rid)

    def _log(self, scope: Scope, headers: Headers, peer: str, status: int,
             seconds: float, rid: str) -> None:
        ACCESS.info("%s %s %s", scope["method"], scope["path"], status, extra={
            "request_id": rid, "method": scope["method"], "route": family_of(scope["path"]),
            "path": scope["path"], "status": status, "duration_ms": round(seconds * 1000, 1),
            "client": client_address(peer, forwarded_for(headers), self.trusted)})
