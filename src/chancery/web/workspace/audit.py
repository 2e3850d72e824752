"""/workspace/audit: the audit log for admins (others get 403), newest first, filtered by day,
action and actor, a page at a time: the entries `chancery audit` prints."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from chancery.bootstrap import App
from chancery.domain.workflow import Refused
from chancery.services.audit import AuditFilter, read_audit
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.forms import forbidden, page, when


def routes(app: App) -> APIRouter:
    """GET /workspace/audit."""
    router = APIRouter(route_class=guarded_route(app))

    @router.get("/workspace/audit", include_in_schema=False)
    def audit(request: Request, since: str = "", action: str = "", actor: str = "") -> Response:
        chosen = AuditFilter(since[:40], action[:40], actor[:254])
        context = {"chosen": chosen, "when": when, "found": None, "error": ""}
        try:
            found = read_audit(app.audit_reads, request.state.user, chosen, _page(request))
        except PermissionError:
            return forbidden(app, request, "The audit log is for admins.")
        except Refused as exc:
            return page(app, request, "workspace_audit.html", {**context, "error": exc.message},
                        status=400)
        return page(app, request, "workspace_audit.html", {**context, "found": found})

    return router


def _page(request: Request) -> int:
    """?page=N, read here (a number FastAPI could not read would answer 422, not a page)."""
    try:
        return int(request.query_params.get("page", "1")[:12])
    except ValueError:
        return 0  # refused by the service with its message
