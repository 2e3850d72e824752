"""Pages of collections and of authority records (people, organizations, places, subjects)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from chancery.bootstrap import App
from chancery.domain.identifiers import links
from chancery.domain.readers import Reader
from chancery.http.addresses import authority_url, collection_url
from chancery.search.grammar import QueryError, parse_filters
from chancery.search.interface import IndexUnavailable
from chancery.services import reading
from chancery.web.pages import PATH_KINDS, render
from chancery.web.views.finding import FACET_TITLES, SIDEBAR, year_bars

# For each kind of record: the documents lists its page shows, as (heading, facet).
SECTIONS = {
    "person": [("Written by", "author"), ("Addressed to", "recipient"),
               ("All documents naming them", "person")],
    "organization": [("Issued by", "author"), ("Addressed to", "recipient"),
                     ("All documents naming it", "person")],
    "place": [("Written at or mentioning", "place")],
    "subject": [("Documents on this subject", "subject")],
}


def routes(app: App) -> APIRouter:
    """Collection and authority pages."""
    router = APIRouter()

    @router.get("/collections", include_in_schema=False)
    def collections(request: Request) -> Response:
        every = reading.collections(app.catalogue, Reader.public())
        tops = sorted((c for c in every if not c.parent_key), key=lambda c: (c.position, c.title))
        children = {c.key: [k for k in every if k.parent_key == c.key] for c in tops}
        return render(app, request, "collections.html", {"tops": tops, "children": children})

    @router.get("/collections/{key:path}", include_in_schema=False)
    def collection(request: Request, key: str, page: int = 1, sort: str = "date",
                   exact: bool = False) -> Response:
        reader = Reader.public()
        found = reading.collection_record(app.catalogue, key, reader)
        if found is None:
            return _collection_moved(app, request, key, reader)
        record, trail, children = found
        filters: dict[str, tuple[str, ...]] = {"collection": (key,)}
        try:
            filters = {**parse_filters(request.query_params.getlist("f")), **filters}
            docs = app.search.documents("", filters=filters, sort=sort, page=page, per_page=50,
                                        reader=reader, exact=exact)
        except (QueryError, IndexUnavailable) as exc:
            return render(app, request, "error.html", {"heading": "Cannot list this collection",
                                                       "message": str(exc)}, status=400)
        return render(app, request, "collection.html", {
            "c": record, "trail": trail, "children": children, "r": docs, "filters": filters,
            "years": year_bars(docs.results.facets.get("year", [])),
            "titles": FACET_TITLES, "sidebar": [f for f in SIDEBAR if f != "collection"],
            "exact": "1" if exact else ""})

    @router.get("/{folder}/{slug}", include_in_schema=False)
    def authority(request: Request, folder: str, slug: str) -> Response:
        kind, reader = PATH_KINDS.get(folder), Reader.public()
        found = reading.authority_record(app.catalogue, f"{kind}/{slug}", reader) if kind else None
        if kind is None or found is None:
            return _moved(app, request, f"{kind}/{slug}", reader) if kind else _gone(app, request)
        row, names = found
        lists = []
        for heading, facet in SECTIONS[kind]:
            try:
                docs = app.search.documents("", filters={facet: (row.key,)}, sort="date",
                                            per_page=25, reader=reader)
            except IndexUnavailable:
                continue
            if docs.results.total:
                lists.append((heading, facet, docs))
        variants = [n for n in names if n != row.name]
        return render(app, request, "authority.html", {"a": row, "variants": variants,
                                                       "lists": lists,
                                                       "same_as": links(row.identifiers)})

    return router


def _moved(app: App, request: Request, key: str, reader: Reader) -> Response:
    """301 to the record a merged-away record became, when the reader may see that one."""
    target = app.authorities.moved_to(key)
    if target is None or reading.authority_record(app.catalogue, target, reader) is None:
        return _gone(app, request)
    return RedirectResponse(authority_url(target), status_code=301)


def _collection_moved(app: App, request: Request, key: str, reader: Reader) -> Response:
    """301 to where a moved collection is now, when the reader may see it there."""
    moved = app.collections.moved_to(key)
    if moved and reading.collection_record(app.catalogue, moved, reader):
        return RedirectResponse(collection_url(moved), status_code=301)
    return render(app, request, "404.html", {"what": "collection"}, status=404, cache=False)


def _gone(app: App, request: Request) -> Response:
    return render(app, request, "404.html", {"what": "record"}, status=404, cache=False)
