"""What every page shares: templates, URLs, conditional responses and small formatting helpers."""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from chancery.bootstrap import App
from chancery.http.addresses import KIND_PATHS as KIND_PATHS
from chancery.http.addresses import PATH_KINDS as PATH_KINDS
from chancery.http.addresses import authority_url as authority_url
from chancery.http.addresses import collection_url as collection_url
from chancery.http.addresses import doc_url as doc_url
from chancery.search.interface import Fragment

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
STATIC = Path(__file__).with_name("static")

def search_url(q: str = "", filters: dict[str, tuple[str, ...]] | None = None,
               path: str = "/search", **extra: Any) -> str:
    """A search address; facet selections travel as repeated f=name:value. ``path`` serves
    pages that list within something (a collection's page drops its own filter)."""
    params: list[tuple[str, str]] = [("q", q)] if q else []
    for name, values in (filters or {}).items():
        if path.startswith("/collections/") and name == "collection":
            continue
        params += [("f", f"{name}:{v}") for v in values]
    params += [(k, str(v)) for k, v in extra.items() if v not in (None, "", 1, "relevance")]
    return path + ("?" + urlencode(params) if params else "")


def toggled(filters: dict[str, tuple[str, ...]], name: str, value: str) -> dict[str, tuple[str, ...]]:
    """The filters with one facet value switched on or off."""
    out = {k: v for k, v in filters.items() if k != name}
    have = filters.get(name, ())
    chosen = tuple(v for v in have if v != value) if value in have else (*have, value)
    if chosen:
        out[name] = chosen
    return out


def highlight(fragments: Iterable[Fragment]) -> Markup:
    """Snippet fragments as HTML, matches in <mark>, everything else escaped."""
    return Markup("").join(Markup("<mark>{}</mark>").format(f.text) if f.highlighted
                           else escape(f.text) for f in fragments)


FACET_LABEL_LENGTH = 60  # a facet value longer than this (a FRUS chapter title) is shortened


def shorten(text: str, limit: int = FACET_LABEL_LENGTH) -> str:
    """A long label shortened for a facet list (the page gives the whole in a title): a
    chapter title to its heading before the colon ("August–October 1958, the Taiwan Strait
    Crisis"), anything else cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    heading = text.split(":", 1)[0].strip()
    if 12 <= len(heading) <= limit:
        return heading
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def month_name(month: int) -> str:
    """"July" for 7."""
    return calendar.month_name[month]


TEMPLATES.env.globals.update(doc_url=doc_url, authority_url=authority_url,
                             collection_url=collection_url, search_url=search_url,
                             toggled=toggled, month_name=month_name)
TEMPLATES.env.filters["highlight"] = highlight
TEMPLATES.env.filters["thousands"] = lambda n: f"{n:,}"
TEMPLATES.env.filters["documents"] = lambda n: f"{n:,} document{'' if n == 1 else 's'}"
TEMPLATES.env.filters["shorten"] = lambda text: shorten(text)


def as_written(value: Any) -> str:
    """A record's value as a reviewer reads it in a diff: text as it is, "—" for nothing,
    anything else as JSON with its letters kept (tojson writes "consul's" as consul\\u0027s)."""
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


TEMPLATES.env.filters["as_written"] = as_written


def etag_of(body: bytes) -> str:
    """A validator made from the answer itself: it changes exactly when what the reader
    receives changes. (Made from the catalogue's change counter, it moved with every write,
    a draft's too, and so told anyone polling a page when unpublished work was imported.)"""
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def not_modified(request: Request, etag: str) -> bool:
    """Whether the client's copy (If-None-Match) is current."""
    sent = request.headers.get("if-none-match", "")
    return etag in [t.strip() for t in sent.split(",")] or sent.strip() == "*"


def render(app: App, request: Request, template: str, context: dict[str, Any],
           status: int = 200, modified: datetime | None = None, cache: bool = True) -> Response:
    """A page, or 304 when the client has it already."""
    context = {"archive": app.settings.archive_name, "base_url": app.settings.base_url,
               "request": request, **context}
    response: HTMLResponse = TEMPLATES.TemplateResponse(request, template, context,
                                                        status_code=status)
    if cache and status == 200:
        etag = etag_of(bytes(response.body))
        if not_modified(request, etag):
            # as the 200 would say it (RFC 9111 4.3.4): a shared cache refreshes its copy's age
            return Response(status_code=304, headers={"ETag": etag, "Cache-Control": "no-cache"})
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = "no-cache"  # revalidate: a 304 is not sent again
    if modified:
        # PostgreSQL gives times in the session's zone, SQLite without one: both as UTC
        at = modified.replace(tzinfo=UTC) if modified.tzinfo is None else modified.astimezone(UTC)
        response.headers["Last-Modified"] = format_datetime(at, usegmt=True)
    return response
