"""Logging in and out, and setting a password through a one-time link."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from chancery.bootstrap import App
from chancery.domain.accounts import MIN_PASSWORD, AccountError
from chancery.http.limits import client_of
from chancery.web.workspace.forms import (
    anonymous_form_ok,
    anonymous_form_token,
    clear_session,
    forbidden,
    page,
    posted_form,
    safe_next,
    session_form_ok,
    session_token,
    set_session,
)

# the same words whether the email has an account or not, is disabled, or the password is wrong
WRONG = "The email address or the password is not right."
_CSRF = "This form has expired or did not come from this site. Reload the page and try again."


def routes(app: App) -> APIRouter:
    """GET/POST /login, POST /logout, GET/POST /set-password/{token}."""
    router = APIRouter()
    _login_routes(app, router)
    _password_routes(app, router)
    return router


def _login_routes(app: App, router: APIRouter) -> None:
    def login_page(request: Request, status: int = 200, error: str = "", email: str = "",
                   headers: dict[str, str] | None = None) -> Response:
        token = anonymous_form_token(request)
        return page(app, request, "login.html", {
            "csrf": token, "error": error, "email": email,
            "next": safe_next(request.query_params.get("next")),
            "password_set": request.query_params.get("done") == "password"},
            status=status, form_cookie=token, headers=headers)

    @router.get("/login", include_in_schema=False)
    def login_form(request: Request) -> Response:
        return login_page(request)

    @router.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await posted_form(request)
        if not anonymous_form_ok(request, form):
            return forbidden(app, request, _CSRF)
        address = client_of(request, app.settings.trusted_proxies)
        outcome = await run_in_threadpool(app.accounts.log_in, form.get("email", ""),
                                          form.get("password", ""), address)
        email = form.get("email", "")[:254]
        if outcome.retry_after:
            minutes = math.ceil(outcome.retry_after / 60)
            return login_page(request, 429, f"Too many failed attempts. Try again in {minutes} "
                              f"minute{'s' if minutes > 1 else ''}.", email,
                              {"Retry-After": str(outcome.retry_after)})
        if outcome.user is None:
            return login_page(request, 200, WRONG, email)
        await run_in_threadpool(app.accounts.log_out, session_token(request))  # a stale one
        answer = RedirectResponse(safe_next(form.get("next")), status_code=303)
        set_session(app, answer, outcome.token)
        return answer

    @router.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        form = await posted_form(request)
        if not session_form_ok(request, form):
            return forbidden(app, request, _CSRF)
        await run_in_threadpool(app.accounts.log_out, session_token(request))
        answer = RedirectResponse("/", status_code=303)
        clear_session(app, answer)
        return answer


def _password_routes(app: App, router: APIRouter) -> None:
    def password_page(request: Request, token: str, status: int = 200,
                      error: str = "") -> Response:
        user = app.accounts.link_user(token)
        if user is None:
            return page(app, request, "error.html", {
                "heading": "This link does not work",
                "message": "It has been used or has expired. Ask an admin for a new one "
                           "(chancery user reset)."}, status=404, headers=_NO_REFERRER)
        form_cookie = anonymous_form_token(request)
        return page(app, request, "set_password.html", {
            "csrf": form_cookie, "email": user.email, "error": error, "min": MIN_PASSWORD},
            status=status, form_cookie=form_cookie, headers=_NO_REFERRER)

    @router.get("/set-password/{token}", include_in_schema=False)
    def set_password_form(request: Request, token: str) -> Response:
        return password_page(request, token[:100])

    @router.post("/set-password/{token}", include_in_schema=False)
    async def set_password(request: Request, token: str) -> Response:
        form = await posted_form(request)
        if not anonymous_form_ok(request, form):
            return forbidden(app, request, _CSRF)
        if form.get("password", "") != form.get("again", ""):
            return password_page(request, token[:100], 400, "The two passwords are not the same.")
        try:
            await run_in_threadpool(app.accounts.set_password_by_link, token[:100],
                                    form.get("password", ""))
        except AccountError as exc:
            return password_page(request, token[:100], 400, str(exc).capitalize() + ".")
        return RedirectResponse("/login?" + urlencode({"done": "password"}), status_code=303)


# the link's address holds its token: no page it opens may pass it on as a Referer
_NO_REFERRER = {"Referrer-Policy": "no-referrer"}

