"""/healthz, /readyz and /metrics: for load balancers, orchestrators and Prometheus.

/healthz says the process answers (nothing else is touched: a load balancer may ask every
second). /readyz runs this node's checks (services/health.py), each within a time limit;
anyone is told ready or not by the status (200 or 503) and a one-word body, an internal
address or the metrics token also each check's figures. /metrics is an internal address's
or the token's only: anyone else gets the site's ordinary 404, as for an unknown address."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException

from chancery.bootstrap import App
from chancery.http.internal import InternalReaders
from chancery.services.health import Check, Readiness
from chancery.web.metrics import Measured, Metrics
from chancery.web.request_log import RequestLog

CHECK_SECONDS = 2.0  # a check not answered by then fails (a balancer's probe waits ~5 s)
NO_STORE = {"Cache-Control": "no-store"}  # a cache must never answer for the node


class Probe:
    """Runs one check in a thread of its own, within the time limit. Probes that come while
    the check runs wait for that run's answer (two balancers asking at once are both told
    the truth); a run older than the limit (a database that stopped answering) is not
    started again until it returns: probes every few seconds must not pile up threads
    waiting on the same dead connection. Its own thread, not the server's pool: under load
    the pool's threads are all serving pages, and a probe that waited for one failed, and
    one cancelled while it waited never ran, so never let the next probes start (#14)."""

    def __init__(self, check: Callable[[], Check], name: str) -> None:
        self.check, self.name = check, name
        self._lock = threading.Lock()
        self._running: Future[Check] | None = None
        self._started = 0.0

    async def run(self) -> Check:
        """The check's answer, or a failure when it takes too long or is still running."""
        answer = self._answer()
        if answer is None:
            return Check(self.name, False, {"error": "an earlier check has not answered yet"})
        with anyio.move_on_after(CHECK_SECONDS):
            # shielded: a probe that gives up does not cancel the run others wait for
            return await asyncio.shield(asyncio.wrap_future(answer))
        return Check(self.name, False, {"error": f"no answer within {CHECK_SECONDS:g} s"})

    def _answer(self) -> Future[Check] | None:
        """The run to wait for: the one under way, a new one, or None (one is stuck)."""
        with self._lock:
            running = self._running
            if running is not None and not running.done():
                return running if time.monotonic() - self._started < CHECK_SECONDS else None
            self._running, self._started = Future(), time.monotonic()
            answer = self._running
        threading.Thread(target=self._once, args=(answer,), name=f"check-{self.name}",
                         daemon=True).start()
        return answer

    def _once(self, answer: Future[Check]) -> None:
        try:
            answer.set_result(self.check())
        except Exception as exc:  # a check that raised is a failed check, not a lost answer
            answer.set_result(Check(self.name, False, {"error": str(exc) or type(exc).__name__}))


async def run_probes(probes: list[Probe]) -> Readiness:
    """Every check at once: the slowest, not their sum, is what the probe waits for."""
    found: dict[str, Check] = {}

    async def one(probe: Probe) -> None:
        found[probe.name] = await probe.run()

    async with anyio.create_task_group() as group:
        for probe in probes:
            group.start_soon(one, probe)
    return Readiness(tuple(found[p.name] for p in probes))


def routes(app: App, metrics: Metrics) -> APIRouter:
    """The operator's routes."""
    router = APIRouter()
    internal = InternalReaders(app.settings)
    probes = [Probe(check, check.__name__) for check in app.health.checks()]

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        return PlainTextResponse("ok", headers=NO_STORE)

    @router.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        readiness = await run_probes(probes)
        body = readiness.internal() if internal.may_see(request) else readiness.public()
        return JSONResponse(body, status_code=200 if readiness.is_ready else 503,
                            headers=NO_STORE)

    @router.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        if not internal.may_see(request):
            raise HTTPException(404)  # the same page as any address that is not there
        return Response(await run_in_threadpool(metrics.scrape), media_type=CONTENT_TYPE_LATEST,
                        headers=NO_STORE)

    return router


def install(web: FastAPI, app: App) -> None:
    """The operator's routes, request metrics and request ids, outermost of the middleware
    (so that every answer, a rate limit's 429 too, is counted, timed and given its id)."""
    metrics = Metrics(app)
    web.include_router(routes(app, metrics))
    web.add_middleware(Measured, metrics=metrics.requests)
    web.add_middleware(RequestLog, settings=app.settings)
