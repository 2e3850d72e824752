"""What every response of the site shares, pages, feeds, OAI-PMH, IIIF, the API and static
files alike: HEAD is answered as GET is, without the body, and the security headers are set."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Scripts only from the site's own files (chancery.js; JSON-LD is data, not run). Inline
# style attributes stay allowed: the histograms' bar heights are style="height:NN%".
CSP = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:", "object-src 'none'", "base-uri 'self'", "form-action 'self'"))
FRAMEABLE = ("/embed/",)  # the oEmbed cards other sites show in an iframe
_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # a reader's search terms (in the address) are not sent to the sites a page links to
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def install(web: FastAPI) -> None:
    """Add the shared behaviour to the site's application."""
    web.add_middleware(SecurityHeaders)
    web.add_middleware(HeadAsGet)


def security_headers(path: str) -> dict[str, str]:
    """The security headers of the response to ``path``."""
    if path.startswith(FRAMEABLE):
        return {**_HEADERS, "Content-Security-Policy": CSP + "; frame-ancestors *"}
    return {**_HEADERS, "Content-Security-Policy": CSP + "; frame-ancestors 'self'",
            "X-Frame-Options": "SAMEORIGIN"}  # for browsers that know no frame-ancestors


class SecurityHeaders:
    """Sets the security headers on every response that has not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = security_headers(scope["path"])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


class HeadAsGet:
    """HEAD is answered by the GET route with the body left out (link checkers, uptime
    monitors and crawlers use it; the routes themselves only declare GET). Status and headers,
    Content-Length included, are those of GET."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        ended = False

        async def headers_only(message: Message) -> None:
            nonlocal ended
            if message["type"] != "http.response.body":
                await send(message)
            elif not ended:  # the first body part ends the response; the rest is dropped
                ended = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, headers_only)
