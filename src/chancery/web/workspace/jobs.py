"""/workspace/jobs: what `chancery jobs` shows (queued, running, done and failed per stage,
rate, ETA, the failures with file, stage and reason) and a button that queues the failed jobs
again. Staff only, like every workspace page: counts of jobs tell of drafts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from chancery.bootstrap import App
from chancery.domain.accounts import form_token
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.forms import page, session_token, when

FAILURES_SHOWN = 200


def routes(app: App) -> APIRouter:
    """GET /workspace/jobs and POST /workspace/jobs/retry."""
    router = APIRouter(route_class=guarded_route(app))

    @router.get("/workspace/jobs", include_in_schema=False)
    def jobs(request: Request, retried: int = -1) -> Response:
        return page(app, request, "workspace_jobs.html", {
            "counts": app.jobs.counts(), "failures": app.jobs.failures(FAILURES_SHOWN),
            "workers": app.jobs.workers(), "when": when, "retried": retried,
            "csrf": form_token(session_token(request))})

    @router.post("/workspace/jobs/retry", include_in_schema=False)
    async def retry(request: Request) -> Response:
        n = await run_in_threadpool(app.jobs.retry_failed)
        return RedirectResponse(f"/workspace/jobs?retried={n}", status_code=303)

    return router
