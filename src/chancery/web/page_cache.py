"""Which answers a shared cache (nginx, a CDN) may keep, and for how long.

A page or API read that the route marked ``no-cache`` (public content, validated by its ETag:
web/pages.py, api/app.py) may be kept by a shared cache for ``cache_max_age`` seconds when the
request is anonymous: ``public, max-age=0, s-maxage=N``. Browsers still ask every time (as
before, a 304 when the page has not changed), so only the shared cache holds a copy, and that
copy is what the purge (http/cache_purge.py) drops when the workspace takes something away.

Never shared: the workspace and logins, and any request that carries a session, the
``chancery_lsn`` cookie (a writer reading their own change from the primary) or
``Authorization`` (a token reads as its account). Their answers are made ``private``, so a
cache that forgot to bypass them still does not keep them."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chancery.config import Settings
from chancery.web.replica_routing import LSN_COOKIE
from chancery.web.workspace.forms import SESSION_COOKIE

# the workspace, logins and the node's own health: never kept by a cache, whoever asks
PRIVATE_PATHS = ("/workspace", "/login", "/logout", "/set-password", "/healthz", "/readyz",
                 "/metrics")
REVALIDATED = "no-cache"  # what a route sets on an answer any reader may get (pages.render)


def install(web: FastAPI, settings: Settings) -> None:
    """Mark anonymous answers for shared caches, credentialed ones private."""
    web.add_middleware(SharedCaching, max_age=settings.cache_max_age)


def has_credentials(scope: Scope) -> bool:
    """Whether the request reads as somebody, or must read its own writes."""
    connection = HTTPConnection(scope)
    return ("authorization" in connection.headers or SESSION_COOKIE in connection.cookies
            or LSN_COOKIE in connection.cookies)


def shared_control(max_age: int) -> str:
    """The Cache-Control of an anonymous page: browsers ask again, a shared cache keeps it."""
    return f"public, max-age=0, s-maxage={max_age}"


def private_control(control: str) -> str:
    """A credentialed answer's Cache-Control: whatever it was, never for a shared cache."""
    parts = [p.strip() for p in control.split(",") if p.strip()]
    if "private" in parts or "no-store" in parts:
        return control
    kept = [p for p in parts if p != "public" and not p.startswith("s-maxage")]
    return ", ".join(["private", *(kept or ["no-cache"])])


class SharedCaching:
    """Sets Cache-Control by who asked and what the route said."""

    def __init__(self, app: ASGIApp, max_age: int) -> None:
        self.app, self.max_age = app, max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if has_credentials(scope):
            await self.app(scope, receive, self._rewriting(send, private_control))
        elif self._may_share(scope):
            await self.app(scope, receive, self._rewriting(send, self._shared))
        else:
            await self.app(scope, receive, send)

    def _may_share(self, scope: Scope) -> bool:
        return (self.max_age > 0 and scope["method"] in ("GET", "HEAD")
                and not str(scope["path"]).startswith(PRIVATE_PATHS))

    def _shared(self, control: str) -> str:
        return shared_control(self.max_age) if control == REVALIDATED else control

    @staticmethod
    def _rewriting(send: Send, rule: Callable[[str], str]) -> Send:
        async def rewritten(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                control = headers.get("cache-control", "")
                # an answer that sets a cookie belongs to whoever receives the cookie
                chosen = private_control if "set-cookie" in headers else rule
                new = chosen(control) if control or chosen is private_control else ""
                if new:
                    headers["cache-control"] = new
            await send(message)

        return rewritten
