"""Prometheus metrics at /metrics: requests and their latency by route family, search
latency, and, read from the catalogue when scraped, the index lag and the jobs by state.

Labels are families, never paths: a path label would grow a series for every document page
and every mistyped address. With `serve` the counts of every worker (and of an import run on
the same machine) are kept in the metrics folder and summed at each scrape (chancery.telemetry);
without it (tests, `demo`) they are this process's own."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chancery.bootstrap import App
from chancery.domain.jobs import JobState
from chancery.telemetry import shared_counts

log = logging.getLogger("chancery.metrics")

# The first matching pattern names a request's family (a bounded set, whatever the address).
FAMILIES = (
    ("health", re.compile(r"^/(healthz|readyz|metrics)/?$")),
    ("static", re.compile(r"^/static/")),
    ("search", re.compile(r"^/(search(/.*)?|suggest|feeds/search\.atom|api/v1/search"
                          r"|api/v1/names/suggest)/?$")),
    ("api", re.compile(r"^/api/")),
    ("oai", re.compile(r"^/oai(/|$)")),
    ("iiif", re.compile(r"^/iiif/")),
    ("workspace", re.compile(r"^/(workspace(/.*)?|login|logout|set-password/.*)$")),
    # files, scan images and dataset downloads: slower by nature than the pages around them
    ("files", re.compile(r"^/(files|scans|downloads)/")),
)
PAGES = "pages"  # everything else: the reading room's pages, feeds, sitemaps
# the searches a reader waits for, by channel (the search latency metric)
SEARCHES = {"/search": "page", "/api/v1/search": "api", "/feeds/search.atom": "feed"}
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def family_of(path: str) -> str:
    """The route family of a request path (a label value from a fixed set)."""
    return next((name for name, pattern in FAMILIES if pattern.match(path)), PAGES)


class RequestMetrics:
    """The request counters and histograms of one web application."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        self.requests = Counter("chancery_http_requests", "HTTP requests answered, by route "
                                "family, method and status.", ["family", "method", "status"],
                                registry=registry)
        self.latency = Histogram("chancery_http_request_duration_seconds", "Time to answer "
                                 "a request, by route family.", ["family"], registry=registry)
        self.search = Histogram("chancery_search_duration_seconds", "Time to answer a search "
                                "that succeeded, by channel (page, api, feed).", ["channel"],
                                registry=registry)

    def observe(self, path: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        family = family_of(path)
        self.requests.labels(family, method if method in METHODS else "other", str(status)).inc()
        self.latency.labels(family).observe(seconds)
        channel = SEARCHES.get(path.rstrip("/") or "/")
        if channel is not None and status == 200:
            self.search.labels(channel).observe(seconds)


class Measured:
    """ASGI middleware: every response is counted and timed, to the end of its body."""

    def __init__(self, app: ASGIApp, metrics: RequestMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500  # no answer at all counts as an error

        async def seen(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, seen)
        finally:
            self.metrics.observe(scope["path"], scope["method"], status,
                                 time.perf_counter() - started)


class ArchiveGauges(Collector):
    """Figures read from the catalogue and this node's index when scraped (never kept in
    memory, so every worker reports the same)."""

    def __init__(self, app: App) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """The index's lag and usability, and the jobs by stage and state."""
        index = self.app.health.search_index()
        lag = index.details.get("lag")
        yield GaugeMetricFamily("chancery_index_usable", "1 when this node's search index "
                                "can be searched (built from this catalogue, current layout).",
                                value=0 if "error" in index.details else 1)
        if isinstance(lag, int):
            yield GaugeMetricFamily("chancery_index_lag_changes", "Catalogue changes this "
                                    "node's search index has yet to take in.", value=lag)
        yield from self._jobs()

    def _jobs(self) -> Iterator[GaugeMetricFamily]:
        try:
            counts = self.app.health.job_counts()
        except Exception as exc:  # the scrape goes on without them; /readyz says why
            log.warning("jobs not counted for /metrics: %s", exc)
            return
        jobs = GaugeMetricFamily("chancery_jobs", "Jobs by stage and state.",
                                 labels=["stage", "state"])
        for c in counts:
            for state in JobState:
                jobs.add_metric([c.stage.value, state.value], getattr(c, state.value))
        yield jobs


class Metrics:
    """The metrics of one web application: recorded by ``Measured``, read by ``scrape``."""

    def __init__(self, app: App) -> None:
        # with shared counts each process writes its own file and a scrape reads them all;
        # else they are this application's, in a registry of its own (never the global one,
        # which a second application in the same process would collide with)
        self._own = None if shared_counts() else CollectorRegistry()
        self.requests = RequestMetrics(self._own)
        self._gauges = ArchiveGauges(app)

    def scrape(self) -> bytes:
        """The text exposition of every metric (it reads the catalogue: not on the loop)."""
        registry = CollectorRegistry()  # not described at registering: read once, here
        registry.register(self._gauges)
        if self._own is None:
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped in 0.26
            return generate_latest(registry)
        return generate_latest(self._own) + generate_latest(registry)
