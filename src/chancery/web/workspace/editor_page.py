"""The editor's page as the template draws it: the rows of each list (with an empty one to
fill in), the messages beside their fields and in the summary at the top, the names of the
records the links point to, and the choices of each select."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import Response

from chancery.bootstrap import App
from chancery.domain.accounts import form_token
from chancery.services.editor import Candidate
from chancery.web.workspace.editor_form import (
    CHOICES,
    LINK_ROLES,
    PROVENANCE,
    Values,
    anchor,
    field_id,
    is_blank,
    row_numbers,
)
from chancery.web.workspace.editor_scans import seal_key, shown_scans
from chancery.web.workspace.forms import page, session_token, when

if TYPE_CHECKING:
    from chancery.web.workspace.editor import Screen

# what the summary calls each field (a row's fields: by their last part)
_LABELS = {"title": "Title", "number": "Number", "type": "Type", "summary": "Summary",
           "date": "Date", "date.end": "Date: last day", "classification": "Classification",
           "classification.level": "Classification level", "scans": "Scans",
           "provenance.funders": "Funders", "ref": "record", "role": "role", "kind": "kind",
           "language": "language", "key": "key", "target": "other document", "type.": "type",
           "position": "order", "label": "label", "public_note": "Public note",
           "released": "date", "agency": "agency or programme",
           "authority": "authority or case number", "note": "note"}
_LISTS = {"links": "Name", "texts": "Text version", "collections": "Collection",
          "relations": "Relation", "releases": "Release", "media": "Scan"}


def describe(c: Candidate) -> str:
    """A record as a picker lists it: its name, kind, key and a few other spellings."""
    also = f"; also {', '.join(c.names[:3])}" if c.names else ""
    return f"{c.name} ({c.kind}, {c.key}{also})"


def label_of(key: str) -> str:
    """What the error summary calls a field ("Text version 1: language")."""
    parts = key.split(".")
    if parts[0] in _LISTS and len(parts) >= 2 and parts[1].isdigit():
        last = _LABELS.get(parts[2], parts[2]) if len(parts) > 2 else ""
        return f"{_LISTS[parts[0]]} {int(parts[1]) + 1}" + (f": {last}" if last else "")
    if parts[0] == "provenance" and len(parts) == 2:
        return dict(PROVENANCE).get(parts[1], _LABELS.get(key, key))
    return _LABELS.get(key, key)


def _rows(values: Values, name: str, extra: int) -> list[int]:
    """A list's filled rows, then ``extra`` empty ones with new numbers."""
    numbers = row_numbers(values, name)
    filled = [i for i in numbers if not is_blank(values, name, i)]
    start = max(numbers, default=-1) + 1
    return filled + list(range(start, start + extra))


def _link_rows(values: Values, more: str) -> list[tuple[str, str, list[int]]]:
    """Per role: its heading and rows (one empty row each, two where one more was asked)."""
    numbers = row_numbers(values, "links")
    filled = [i for i in numbers if not is_blank(values, "links", i)]
    fresh = max(numbers, default=-1) + 1
    out = []
    for role, heading in LINK_ROLES:
        rows = [i for i in filled if values.get(f"links.{i}.role") == role.value]
        for _ in range(2 if more == f"links.{role.value}" else 1):
            values[f"links.{fresh}.role"] = role.value
            rows.append(fresh)
            fresh += 1
        out.append((role.value, heading, rows))
    return out


def _more(screen: Screen, name: str, always: int = 1) -> int:
    return always + (1 if screen.more == name else 0)


def context(app: App, request: Request, screen: Screen) -> dict[str, Any]:
    """Everything the template needs."""
    values = dict(screen.values)
    links = _link_rows(values, screen.more)
    keys = [values.get(f"links.{i}.ref", "") for _, _, rows in links for i in rows]
    texts = _rows(values, "texts", _more(screen, "texts", 0 if row_numbers(values, "texts") else 1))
    summary = [(field_id(anchor(k)), label_of(k), v) for k, v in screen.errors.items()]
    return {
        "user": request.state.user, "csrf": form_token(session_token(request)), "s": screen,
        "v": values, "errors": _beside(screen.errors),
        "summary": summary, "fid": field_id, "links": links, "texts": texts,
        "collections": _rows(values, "collections", _more(screen, "collections")),
        "relations": _rows(values, "relations", _more(screen, "relations")),
        "releases": _rows(values, "releases", _more(screen, "releases")),
        "scans": shown_scans(values, seal_key(session_token(request))),
        "names": app.editor.names([k for k in keys if k]),
        "collection_keys": app.editor.collection_keys(), "choices": CHOICES,
        "provenance": PROVENANCE, "when": when,
        "action": f"/workspace/documents/{screen.doc}/edit" if screen.doc
        else "/workspace/documents/new",
    }


def _beside(errors: dict[str, str]) -> dict[str, str]:
    """The messages by the input they are shown beside (two for one input: both)."""
    out: dict[str, str] = {}
    for k, v in errors.items():
        out[anchor(k)] = f"{out[anchor(k)]}; {v}" if anchor(k) in out else v
    return out


def show(app: App, request: Request, screen: Screen, status: int = 200) -> Response:
    """The editor page."""
    return page(app, request, "workspace_editor.html", context(app, request, screen),
                status=status)


def missing(app: App, request: Request) -> Response:
    """404 for an id that names no document."""
    return page(app, request, "error.html", {"heading": "Not found",
                                             "message": "No document has this id."}, status=404)
