"""Readable documentation of the JSON API at /api/v1/docs, rendered on the server from the
API's own OpenAPI document: no script, no CDN, the reading room's look, and it cannot drift
from the API because it is made from the same schema the API publishes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup, escape

from chancery.bootstrap import App
from chancery.web.pages import render

PREFIX = "/api/v1"
_REF = "#/components/schemas/"


@dataclass(frozen=True)
class Field:
    """A parameter or a property: its name, type as read, whether required, what it means."""

    name: str
    where: str  # "path", "query", or "" for a property
    type: Markup
    required: bool
    default: str
    description: str


@dataclass(frozen=True)
class Operation:
    """One operation of the API."""

    anchor: str
    method: str
    path: str
    summary: str
    parameters: list[Field]
    responses: list[tuple[str, str, Markup]]  # status, meaning, body type
    example: str  # an address to try, when the path needs no values


def routes(app: App, openapi: Callable[[], dict[str, Any]]) -> APIRouter:
    """/api/v1/docs: registered before the API's mount, which takes the rest of /api/v1."""
    router = APIRouter()

    @router.get(f"{PREFIX}/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        doc = openapi()
        return render(app, request, "api_docs.html", {
            "info": doc["info"], "intro": prose(doc["info"].get("description", "")),
            "operations": operations(doc), "schemas": schemas(doc)})

    return router


def prose(text: str) -> list[Markup]:
    """Paragraphs of a description, `code` set as code."""
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    return [Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(p)))) for p in paragraphs]


def operations(doc: dict[str, Any]) -> list[Operation]:
    """Every operation, in the document's order."""
    out = []
    for path, methods in doc.get("paths", {}).items():
        for method, op in methods.items():
            params = [_parameter(p) for p in op.get("parameters", [])]
            responses = [(status, r.get("description", ""), _body(r))
                         for status, r in sorted(op.get("responses", {}).items())]
            out.append(Operation(op.get("operationId", f"{method}-{path}"), method.upper(),
                                 PREFIX + path, op.get("summary", ""), params, responses,
                                 "" if "{" in path else PREFIX + path))
    return out


def schemas(doc: dict[str, Any]) -> list[tuple[str, str, list[Field]]]:
    """Each response schema: name, description, properties."""
    found = doc.get("components", {}).get("schemas", {})
    return [(name, s.get("description", ""), _properties(s)) for name, s in sorted(found.items())]


def _parameter(p: dict[str, Any]) -> Field:
    schema = p.get("schema", {})
    return Field(p["name"], p.get("in", ""), type_of(schema), bool(p.get("required")),
                 _default(schema), p.get("description") or schema.get("description", ""))


def _properties(schema: dict[str, Any]) -> list[Field]:
    required = set(schema.get("required", []))
    return [Field(name, "", type_of(s), name in required, _default(s), s.get("description", ""))
            for name, s in schema.get("properties", {}).items()]


def _default(schema: dict[str, Any]) -> str:
    value = schema.get("default")
    return "" if value is None or value == "" else str(value)


def _body(response: dict[str, Any]) -> Markup:
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    return type_of(schema) if schema else Markup("")


def type_of(schema: dict[str, Any]) -> Markup:
    """A schema as a reader says it: "list of HitOut", "integer, 1–100", "string or null"."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(_REF)
        return Markup('<a href="#schema-{}">{}</a>').format(name, name)
    if "anyOf" in schema:
        return Markup(" or ").join(type_of(s) for s in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        return Markup("list of ") + type_of(schema.get("items", {}))
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return Markup("object of ") + type_of(schema["additionalProperties"])
    bounds = [str(schema[k]) for k in ("minimum", "maximum") if k in schema]
    if "enum" in schema:
        return escape(f"{kind}: one of {', '.join(map(str, schema['enum']))}")
    return escape(kind + (f", {'–'.join(bounds)}" if len(bounds) == 2 else ""))
