"""Who an API request comes from: ``Authorization: Bearer <token>`` (docs/api.md, "Tokens").

Without a token a request reads as the public. A bearer token that does not work (unknown,
revoked, its account disabled) is refused with 401 rather than read as the public, so a
script whose token was revoked learns it at once instead of quietly seeing less. Another
scheme (a reverse proxy's Basic login in front of a staging site) is not ours and is ignored
for reading. Write routes need a working write token (401 without one, 403 with a read one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request

from chancery.bootstrap import App
from chancery.domain.readers import Reader
from chancery.domain.tokens import Caller, bearer_token

SCHEME = "bearerToken"  # its name in the OpenAPI schema's securitySchemes


def _refused(why: str, error: str = "") -> HTTPException:
    challenge = f'Bearer realm="api", error="{error}"' if error else 'Bearer realm="api"'
    return HTTPException(401, why, headers={"WWW-Authenticate": challenge})


def _caller(app: App, request: Request) -> Caller | None:
    """The token's account, None without a bearer token; 401 for one that does not work."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer"):
        return None
    token = bearer_token(header)
    caller = app.tokens.caller(token) if token else None
    if caller is None:
        raise _refused("this token is not valid: unknown, revoked, or its account is disabled",
                       "invalid_token")
    return caller


def reader_of(app: App) -> Callable[[Request], Reader]:
    """The dependency that makes the Reader of a request: the token's account, or the public."""
    def reader(request: Request) -> Reader:
        caller = _caller(app, request)
        request.state.caller = caller  # who, for the audit of a bulk read (api/routes.py)
        return Reader.account(caller.user) if caller else Reader.public()
    return reader


def writer_of(app: App, needs: str = "a write token") -> Callable[[Request], Caller]:
    """The dependency that makes the Caller of a request that needs a token (a write, or a
    staff-only read: ``needs`` says which): 401 without a working one."""
    def writer(request: Request) -> Caller:
        caller = _caller(app, request)
        if caller is None:
            raise _refused(f"this needs {needs}: Authorization: Bearer <token>")
        return caller
    return writer


def document_security(api: FastAPI) -> None:
    """Add the bearer scheme to the API's OpenAPI schema: optional for reading (anonymous
    reads as the public), required for writing."""
    plain = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = _with_security(plain())
        return api.openapi_schema
    api.openapi = openapi  # type: ignore[method-assign]


def _with_security(schema: dict[str, Any]) -> dict[str, Any]:
    schema.setdefault("components", {})["securitySchemes"] = {SCHEME: {
        "type": "http", "scheme": "bearer",
        "description": "An API token (chancery token create EMAIL --scope read|write). Without "
                       "one, GET reads as the public; POST needs a write token."}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            # a GET that needs a token (TOKEN_NEEDED) says so; other GETs read as the public
            operation.setdefault("security", [{}, {SCHEME: []}] if method == "get"
                                 else [{SCHEME: []}])
    return schema


# openapi_extra of a GET route that answers only with a token (an editor's draft, the
# redactions of a document)
TOKEN_NEEDED: dict[str, Any] = {"security": [{SCHEME: []}]}
