"""The reading room's rate limits: its expensive addresses, each drawing on a budget per
client (the API and IIIF image making have their own)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse

from chancery.bootstrap import App
from chancery.http.limits import SharedLimiter, client_of

# The reading room's expensive addresses and the budget each draws on; pages of single
# documents, records and browsing are not limited.
_BUDGETS = (
    ("search", re.compile(r"^/(search|feeds/search\.atom)/?$")),
    ("oai", re.compile(r"^/oai/?$")),
    ("export", re.compile(r"^/(downloads/.*|search/cite\.[^/]*|documents/([^/]+/)?cite(\.[^/]*)?)$")),
)


def budget_of(path: str) -> str | None:
    """The budget a request to ``path`` draws on, or None when it is not limited."""
    return next((name for name, pattern in _BUDGETS if pattern.match(path)), None)


def limit_reading_room(web: FastAPI, app: App) -> None:
    """Limit the reading room's expensive addresses, per client and budget."""
    s = app.settings
    limiters = {"search": SharedLimiter("search", s.search_rate_limit, app.buckets),
                "oai": SharedLimiter("oai", s.oai_rate_limit, app.buckets),
                "export": SharedLimiter("export", s.export_rate_limit, app.buckets)}

    @web.middleware("http")
    async def limited(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        budget = budget_of(request.url.path)
        wait = await limiters[budget].wait_for_async(
            client_of(request, s.trusted_proxies)) if budget else 0
        if not wait:
            return await call_next(request)
        # OAI-PMH harvesters are told to come back the protocol's way: 503 with Retry-After
        status = 503 if budget == "oai" else 429
        return PlainTextResponse(f"Too many requests from your address: try again in {wait} s.",
                                 status_code=status, headers={"Retry-After": str(wait)})
