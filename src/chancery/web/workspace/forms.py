"""What the workspace's forms share: the session and form cookies, reading a posted form,
the CSRF checks, safe redirects, and answers no cache keeps."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request as StarletteRequest
from starlette.types import Message

from chancery.bootstrap import App
from chancery.domain.accounts import SESSION_LIFETIME, form_token
from chancery.web.pages import render

SESSION_COOKIE = "chancery_session"
# the CSRF token of forms shown before login (login, set-password): the hidden field must
# repeat this cookie, which another site can neither read nor set
FORM_COOKIE = "chancery_form"
MAX_FORM = 16 * 1024  # bytes: a login form is a few hundred
# fields of one form: a split of an authority record ticks one box per document that moves,
# a bulk action one per result of a workspace search page; the byte limit above bounds the
# work either way
FORM_FIELDS = 1000
_TOO_LARGE = "This form is larger than any form of the workspace."


@dataclass(frozen=True)
class FormLimits:
    """How large a posted form may be. The small default is every form's but the document
    editor's, which carries whole text versions and scans (web/workspace/editor.py)."""

    body: int = MAX_FORM  # bytes of the whole request
    field: int = MAX_FORM  # bytes of one field that is not a file
    fields: int = FORM_FIELDS
    files: int = 0  # files in one multipart form; 0: only urlencoded forms are read
    too_large: str = _TOO_LARGE  # what a 413 says


SMALL_FORM = FormLimits()


def is_secure(app: App) -> bool:
    """Cookies are Secure when the archive's public address is https."""
    return app.settings.base_url.startswith("https://")


def session_token(request: Request) -> str:
    """The session cookie's token ('' when there is none)."""
    return request.cookies.get(SESSION_COOKIE, "")


def set_session(app: App, response: Response, token: str) -> None:
    """Log the browser in: HttpOnly, SameSite=Lax, Secure on https, for the whole site."""
    response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()),
                        path="/", httponly=True, samesite="lax", secure=is_secure(app))


def clear_session(app: App, response: Response) -> None:
    """Forget the session cookie (the session itself is revoked server-side)."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=is_secure(app))


def anonymous_form_token(request: Request) -> str:
    """The form cookie's token, or a new one (set on the answer by ``page``)."""
    return request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(32)


async def posted_form(request: Request, limits: FormLimits = SMALL_FORM) -> dict[str, str]:
    """The posted form's fields (first value of each; files, where ``limits`` take them, in
    ``request.state.uploads``); 413 or 400 for what is not a form. Read once per request."""
    kept: dict[str, str] | None = getattr(request.state, "form", None)
    if kept is not None:
        return kept
    if int(request.headers.get("content-length") or 0) > limits.body:
        raise HTTPException(413, limits.too_large)
    if limits.files and request.headers.get("content-type", "").startswith("multipart/form-data"):
        fields = await _multipart(request, limits)
    else:
        fields = {name: values[0] for name, values in (await _urlencoded(request, limits)).items()}
    request.state.form = fields
    return fields


async def posted_lists(request: Request) -> dict[str, list[str]]:
    """The posted (small, urlencoded) form's fields with every value of each (ticked boxes
    share a name)."""
    if int(request.headers.get("content-length") or 0) > SMALL_FORM.body:
        raise HTTPException(413, SMALL_FORM.too_large)
    return await _urlencoded(request, SMALL_FORM)


async def _urlencoded(request: Request, limits: FormLimits) -> dict[str, list[str]]:
    body = await request.body()
    if len(body) > limits.body:
        raise HTTPException(413, limits.too_large)
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True,
                          max_num_fields=limits.fields)
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, "This form could not be read.") from None
    if any(len(v) > limits.field for values in fields.values() for v in values):
        raise HTTPException(413, limits.too_large)
    return fields


async def _multipart(request: Request, limits: FormLimits) -> dict[str, str]:
    """A multipart form read as it arrives (files spooled to disk), refused with 413 as soon
    as it passes ``limits.body``, whatever its Content-Length said."""
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limits.body:  # the parser closes the files it began, then says why
            raise MultiPartException("the form is over its maximum size")
        return message

    try:
        form = await StarletteRequest(request.scope, counted).form(
            max_files=limits.files, max_fields=limits.fields, max_part_size=limits.field)
    except HTTPException as exc:
        too_large = exc.status_code == 413 or "maximum size" in str(exc.detail)
        raise HTTPException(413 if too_large else 400, limits.too_large if too_large else
                            f"This form could not be read: {exc.detail}") from None
    fields: dict[str, str] = {}
    request.state.spooled = [v for _, v in form.multi_items() if not isinstance(v, str)]
    request.state.uploads = []  # a file input left empty posts a part without a name
    for name, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(name, value)
        elif value.filename:
            request.state.uploads.append((name, value))
    return fields


async def close_uploads(request: Request) -> None:
    """Let go of the files a multipart form spooled (the guard calls it when the answer is
    made, whether the handler ran or the request was refused)."""
    for upload in getattr(request.state, "spooled", []):
        await upload.close()


def _same(sent: str, expected: str) -> bool:
    return bool(sent) and bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def anonymous_form_ok(request: Request, form: dict[str, str]) -> bool:
    """Whether a form posted before login carries the token of its form cookie."""
    return _same(form.get("csrf", ""), request.cookies.get(FORM_COOKIE, ""))


def session_form_ok(request: Request, form: dict[str, str]) -> bool:
    """Whether a form posted in a session carries that session's token."""
    token = session_token(request)
    return bool(token) and _same(form.get("csrf", ""), form_token(token))


def forbidden(app: App, request: Request, message: str) -> Response:
    """403, as a page that says why."""
    return page(app, request, "error.html", {"heading": "Not allowed", "message": message},
                status=403)


def safe_next(target: str | None, default: str = "/workspace") -> str:
    """Where to go after login: a path on this site only (never //elsewhere or a URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def page(app: App, request: Request, template: str, context: dict[str, Any], status: int = 200,
         form_cookie: str = "", headers: dict[str, str] | None = None) -> Response:
    """A workspace page: never cached or stored; with the form cookie when one is given."""
    response = render(app, request, template, context, status=status, cache=False)
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(headers or {})
    if form_cookie:
        response.set_cookie(FORM_COOKIE, form_cookie, path="/", httponly=True, samesite="strict",
                            secure=is_secure(app))
    return response


def when(at: datetime | None) -> str:
    """A time as the workspace shows it: to the minute, in UTC (SQLite gives back UTC times
    without their zone)."""
    if at is None:
        return ""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%d %H:%M UTC")
