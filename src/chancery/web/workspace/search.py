"""The workspace's search: the public search's grammar and facets over everything the account
may see, a facet for the publication state, and actions on ticked results or on the whole
result (services/bulk.py). Every route goes through the workspace's guard."""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from chancery.bootstrap import App
from chancery.domain.accounts import User, form_token
from chancery.domain.readers import Reader
from chancery.domain.workflow import Refused
from chancery.search.grammar import QueryError, parse_filters
from chancery.search.interface import IndexUnavailable
from chancery.services import bulk, search
from chancery.services.search_states import STATE_FACET
from chancery.web.pages import search_url
from chancery.web.views.finding import FACET_TITLES, SIDEBAR
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.forms import page, posted_lists, session_token

PER_PAGE = 50
TITLES = {**FACET_TITLES, STATE_FACET: "Publication state"}
ACTION_LABELS = [("submit", "Submit for review"), ("publish", "Publish"),
                 ("withdraw", "Withdraw"), ("embargo", "Set an embargo (give the date)"),
                 ("clear-embargo", "Clear the embargo"),
                 ("add-to-collection", "Add to a collection (give its key)")]


def routes(app: App) -> APIRouter:
    """GET /workspace/search; POST /workspace/search/bulk."""
    router = APIRouter(route_class=guarded_route(app))

    @router.get("/workspace/search", include_in_schema=False)
    def workspace_search(request: Request, q: str = "", sort: str = "relevance",
                         page: int = 1, exact: bool = False) -> Response:
        user: User = request.state.user
        filters: dict[str, tuple[str, ...]] = {}
        try:
            filters = parse_filters(request.query_params.getlist("f"))
            found = app.search.documents(q[:1000], filters=filters, sort=sort, page=page,
                                         per_page=PER_PAGE, reader=Reader.account(user),
                                         exact=exact)
        except QueryError as exc:
            return _page(app, request, {"q": q, "filters": filters, "error": exc.message}, 400)
        except IndexUnavailable as exc:
            return _page(app, request, {"q": q, "filters": filters,
                                        "error": f"The search index is not ready ({exc})."}, 503)
        return _page(app, request, {"q": q, "r": found, "filters": filters,
                                    "exact": "1" if exact else ""})

    @router.post("/workspace/search/bulk", include_in_schema=False)
    async def bulk_action(request: Request) -> Response:
        fields = await posted_lists(request)
        try:
            order = _order(fields)
            result = await run_in_threadpool(_run, app, request.state.user, order)
        except (Refused, QueryError) as exc:
            return _result(app, request, fields, None, _sentence(exc.message), 400)
        except PermissionError as exc:
            return _result(app, request, fields, None, _sentence(str(exc)), 403)
        except IndexUnavailable as exc:
            return _result(app, request, fields, None, f"The search index is not ready ({exc}).", 503)
        return _result(app, request, fields, result, "", 200)

    return router


def _page(app: App, request: Request, context: dict[str, Any], status: int = 200) -> Response:
    return page(app, request, "workspace_search.html", {
        **context, "titles": TITLES, "sidebar": [STATE_FACET, *SIDEBAR],
        "csrf": form_token(session_token(request)), "actions": ACTION_LABELS,
        "max_whole": bulk.MAX_WHOLE, "collections": app.publishing.collection_choices()},
        status=status)


def _order(fields: dict[str, list[str]]) -> bulk.BulkOrder:
    """The bulk form as an order; QueryError for facet selections that cannot be read."""
    one = {name: values[0] for name, values in fields.items()}
    return bulk.BulkOrder(
        action=one.get("action", "")[:40], ids=tuple(fields.get("id", [])),
        whole=one.get("scope") == "all", query=one.get("q", "")[:1000],
        filters=parse_filters(fields.get("f", [])), until=one.get("until", "")[:40],
        collection=one.get("collection", "")[:300], comment=one.get("comment", "")[:2000])


def _run(app: App, user: User, order: bulk.BulkOrder) -> bulk.BulkResult:
    """Take the action, then catch the search index up so every channel follows at once."""
    result = bulk.run_bulk(app.search, app.publishing, user, order)
    if result.outcome.changed:
        search.refresh_index(app.catalogue, app.index)
    return result


def _result(app: App, request: Request, fields: dict[str, list[str]],
            result: bulk.BulkResult | None, refusal: str, status: int) -> Response:
    back_filters: dict[str, tuple[str, ...]] = {}
    with contextlib.suppress(QueryError):  # the refusal already says what was wrong
        back_filters = parse_filters(fields.get("f", []))
    back = search_url(fields.get("q", [""])[0][:1000], back_filters, path="/workspace/search")
    return page(app, request, "workspace_bulk.html", {
        "result": result, "refusal": refusal, "back": back}, status=status)


def _sentence(reason: str) -> str:
    return "Nothing changed: " + reason + ("" if reason.endswith(".") else ".")
