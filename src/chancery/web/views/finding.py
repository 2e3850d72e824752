"""Finding documents: the home page, search results, and browsing by date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from chancery.bootstrap import App
from chancery.domain.readers import Reader
from chancery.http.addresses import authority_url
from chancery.search.grammar import QueryError, parse_filters
from chancery.search.interface import FACETS, Bucket, IndexUnavailable
from chancery.services import citing, reading
from chancery.web.pages import render

FACET_TITLES = {"year": "Year", "decade": "Decade", "type": "Document type",
                "classification": "Classification", "language": "Language",
                "collection": "Collection", "archive": "Source archive", "author": "From",
                "recipient": "To", "person": "People and organizations", "place": "Places",
                "subject": "Subjects"}
SIDEBAR = [f for f in FACETS if f not in ("year", "decade")]  # years are the histogram


def routes(app: App) -> APIRouter:
    """Home, search and date browsing."""
    router = APIRouter()

    @router.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        try:
            figures = reading.archive_figures(app.catalogue, app.search, Reader.public())
        except IndexUnavailable as exc:
            return _unavailable(app, request, exc)
        return render(app, request, "home.html", {"f": figures,
                                                  "timeline": timeline(figures.years)})

    @router.get("/suggest", include_in_schema=False)
    def suggest_names(q: str = "", limit: int = 10) -> Response:
        """Names for the search box's script as the reader types (JSON)."""
        found = app.name_suggester.suggest(q[:200], Reader.public(), limit)
        return JSONResponse({"query": q, "names": [s.as_json(authority_url(s.key))
                                                   for s in found]})

    @router.get("/search", include_in_schema=False)
    def search(request: Request, q: str = "", sort: str = "relevance", page: int = 1,
               exact: bool = False, meaning: int = 1) -> Response:
        filters: dict[str, tuple[str, ...]] = {}
        reader = Reader.public()
        try:
            filters = parse_filters(request.query_params.getlist("f"))
            found = app.search.documents(q, filters=filters, sort=sort, page=page, per_page=20,
                                         reader=reader, exact=exact, meaning=meaning != 0)
        except QueryError as exc:
            return render(app, request, "search.html", {"q": q, "error": exc.message,
                                                        "filters": filters,
                                                        "meaning": meaning != 0}, status=400)
        except IndexUnavailable as exc:
            return _unavailable(app, request, exc)
        # COinS: Zotero saves several results at once from them
        coins = citing.coins_for(app.catalogue, app.citer, [h.public_id for h in found.results.hits],
                                 reader)
        return render(app, request, "search.html", {
            "q": q, "r": found, "filters": filters, "titles": FACET_TITLES, "sidebar": SIDEBAR,
            "coins": coins, "exact": "1" if exact else "", "meaning": meaning != 0,
            "years": year_bars(found.results.facets.get("year", []))})

    @router.get("/browse", include_in_schema=False)
    @router.get("/browse/{year}", include_in_schema=False)
    @router.get("/browse/{year}/{month}", include_in_schema=False)
    def browse(request: Request, year: int | None = None, month: int | None = None) -> Response:
        return _browse(app, request, year, month)

    @router.get("/browse/{year}/{month}/{day}", include_in_schema=False)
    def browse_day(request: Request, year: int, month: int, day: int) -> Response:
        return _browse_day(app, request, year, month, day)

    return router


def year_bars(buckets: list[Bucket]) -> list[tuple[Bucket, int]]:
    """Year buckets with their bar height in percent of the busiest year."""
    dated = [b for b in buckets if b.value.isdigit()]
    top = max((b.count for b in dated), default=1)
    return [(b, max(2, round(100 * b.count / top))) for b in dated]


MAX_YEAR_BARS = 60  # a longer span is drawn by decade: a bar per year would be a hairline


@dataclass(frozen=True)
class Bar:
    """One bar of the home page's timeline: a year, or a decade by its first year."""

    start: int
    count: int
    height: int  # percent of the busiest bar
    decade: bool = False


def timeline(years: list[Bucket]) -> list[Bar]:
    """Bars from the first dated year to the last, empty years (or decades) included, so the
    gaps in the record show."""
    counts = {int(b.value): b.count for b in years if b.value.isdigit()}
    if not counts:
        return []
    step = 1 if max(counts) - min(counts) < MAX_YEAR_BARS else 10
    summed: dict[int, int] = {}
    for year, n in counts.items():
        summed[year - year % step] = summed.get(year - year % step, 0) + n
    first, last = min(summed), max(summed)
    top = max(summed.values())
    return [Bar(start, summed.get(start, 0), round(100 * summed.get(start, 0) / top), step == 10)
            for start in range(first, last + 1, step)]


def _unavailable(app: App, request: Request, exc: Exception) -> Response:
    return render(app, request, "error.html", {
        "heading": "Search is being prepared",
        "message": f"The archive's search index is not ready ({exc}). Please try again shortly."},
        status=503, cache=False)


def _browse_day(app: App, request: Request, year: int, month: int, day: int) -> Response:
    """One day's documents, in date order: the page a day in the month's calendar opens."""
    try:
        when = date(year, month, day)
        found = app.search.documents(f"date:{when.isoformat()}", sort="date", per_page=100,
                                     facets=False, reader=Reader.public())
    except (ValueError, OverflowError, QueryError, IndexUnavailable):
        return render(app, request, "404.html", {"what": "day"}, status=404, cache=False)
    return render(app, request, "browse.html", {"year": year, "month": month, "day": when,
                                                "r": found, "buckets": [], "level": "documents"})


def _browse(app: App, request: Request, year: int | None, month: int | None) -> Response:
    if month is not None and (year is None or not 1 <= month <= 12):  # ?month=13 was a 500
        return render(app, request, "404.html", {"what": "month"}, status=404, cache=False)
    if year is None:
        text, histogram = "", "year"
    elif month is None:
        text, histogram = f"date:{year:04d}", "month"
    else:
        text, histogram = f"date:{year:04d}-{month:02d}", "day"
    try:
        found = app.search.documents(text, sort="date", per_page=100 if month else 20,
                                     histograms=(histogram,) if histogram != "year" else (),
                                     reader=Reader.public())
    except (QueryError, IndexUnavailable) as exc:
        return render(app, request, "404.html", {"what": f"date ({exc})"}, status=404, cache=False)
    buckets = [b for b in found.results.facets.get(histogram, []) if b.value.isdigit()]
    return render(app, request, "browse.html", {"year": year, "month": month, "r": found,
                                                "buckets": buckets, "level": histogram})
