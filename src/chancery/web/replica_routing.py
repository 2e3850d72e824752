"""Which database a request reads from, when the catalogue has read replicas
(``database_replica_urls``): an anonymous GET of the reading room, the API, feeds, OAI-PMH or
IIIF may read from a replica; the workspace, logins, token holders and every request that may
write use the primary. The answer to a request that may write carries the primary's WAL
position in a cookie; until a replica has replayed that far, that reader's reads go to the
primary, so a reader never sees their own change disappear.

The cookie is not signed: whatever a client puts in it can only send its own reads to the
primary, which any POST can do too."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chancery.bootstrap import App

LSN_COOKIE = "chancery_lsn"
# A replica replays within milliseconds; longer than that it is skipped anyway once it is
# MAX_LAG (5 s) behind the primary. Five minutes covers a reader's next pages.
LSN_MAX_AGE = 300
_NO_WRITES = frozenset({"GET", "HEAD", "OPTIONS"})
_PRIMARY_ONLY = ("/workspace", "/login", "/logout", "/set-password")  # staff read their drafts


def install(web: FastAPI, app: App) -> None:
    """Read through one connection per request; route the site's reads to the replicas,
    when there are any (outside: a request it runs again holds a connection of its own)."""
    web.add_middleware(OneConnection, archive=app)
    if app.reads.has_replicas:
        web.add_middleware(ReplicaRouting, archive=app)


class OneConnection:
    """Each request's reads from the primary share one connection (ReadRouting.per_request)."""

    def __init__(self, app: ASGIApp, archive: App) -> None:
        self.app = app
        self.routing = archive.reads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with self.routing.per_request():
            await self.app(scope, receive, send)


def may_read_replica(scope: Scope) -> bool:
    """An anonymous read of a public address (a token holder reads as its account, from the
    primary, having no cookie to carry its own writes' position)."""
    return (scope["method"] in ("GET", "HEAD") and not scope["path"].startswith(_PRIMARY_ONLY)
            and "authorization" not in HTTPConnection(scope).headers)


class ReplicaRouting:
    """Sets, per request, where the catalogue reads; marks the answers to writes."""

    def __init__(self, app: ASGIApp, archive: App) -> None:
        self.app = app
        self.routing = archive.reads
        secure = "; Secure" if archive.settings.base_url.startswith("https://") else ""
        self._attributes = f"; Max-Age={LSN_MAX_AGE}; Path=/; HttpOnly; SameSite=Lax{secure}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif may_read_replica(scope):
            with self.routing.reading(HTTPConnection(scope).cookies.get(LSN_COOKIE)):
                await self._read(scope, receive, send)
        elif scope["method"] in _NO_WRITES:
            await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, self._marking(send))

    async def _read(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A read-only request; when the database it read from went away in the middle of
        it (a replica stopped or restarted) before anything was answered, it is run once
        more: that replica is passed over now (the primary answers), and a request that
        writes nothing is safe to run twice. Without it, each stopped replica cost every
        node the reads it had in flight (500s; tests/integration/test_multi_node.py). A 500
        is held back until the request ends: a mounted app (the API) answers 500 itself
        before its error reaches here."""
        held: list[Message] = []
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if held or (message["type"] == "http.response.start" and message["status"] == 500):
                held.append(message)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        before = dict(scope)  # as it came: routing writes into it (a mount's root_path)
        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            if started or not self.routing.connection_lost(exc):
                await _send_all(send, held)
                raise
            await self.app(before, _body_again(receive), send)
            return
        await _send_all(send, held)

    def _marking(self, send: Send) -> Send:
        """``send`` with the primary's position after the write set on the answer."""

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                # the handler has returned, its transaction committed
                position = await run_in_threadpool(self.routing.primary_position)
                if position:
                    MutableHeaders(scope=message).append(
                        "set-cookie", f"{LSN_COOKIE}={position}{self._attributes}")
            await send(message)

        return marked


def _body_again(receive: Receive) -> Receive:
    """``receive`` for a request run again: its (empty) body, which the first run may have
    taken, then what the client sends next (its disconnect)."""
    given = False

    async def again() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": b"", "more_body": False}

    return again


async def _send_all(send: Send, messages: list[Message]) -> None:
    for message in messages:
        await send(message)
