"""The registers: every person, organization, place and subject a public document names,
in alphabetical order, a page at a time."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from chancery.bootstrap import App
from chancery.domain.readers import Reader
from chancery.services import reading
from chancery.web.pages import KIND_PATHS, render

PER_PAGE = 200
TITLES = {"person": "People", "organization": "Organizations", "place": "Places",
          "subject": "Subjects"}


def routes(app: App) -> APIRouter:
    """/people, /organizations, /places and /subjects."""
    router = APIRouter()
    for kind, folder in KIND_PATHS.items():
        router.add_api_route(f"/{folder}", _register(app, kind), methods=["GET"],
                             include_in_schema=False)
    return router


def _register(app: App, kind: str) -> Callable[[Request, str], Response]:
    def register(request: Request, after: str = "") -> Response:
        # after: the key of the last record on the previous page ("subject/taiwan")
        rows = reading.authority_list(app.catalogue, kind, after[:300], PER_PAGE + 1,
                                      Reader.public())
        following = rows[PER_PAGE - 1].key if len(rows) > PER_PAGE else ""
        return render(app, request, "register.html", {
            "title": TITLES[kind], "rows": rows[:PER_PAGE], "after": after,
            "next": f"{request.url.path}?{urlencode({'after': following})}" if following else "",
            "kinds": [(TITLES[k], f"/{f}") for k, f in KIND_PATHS.items()]})
    return register
