"""Opaque cursors: a client passes back ``next_cursor`` as ``cursor`` and never builds one."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any


class BadCursor(ValueError):
    """A cursor this API did not make."""


def make_cursor(**state: Any) -> str:
    """A cursor holding ``state``."""
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_cursor(cursor: str | None, **defaults: Any) -> dict[str, Any]:
    """The state in a cursor (``defaults`` when there is none); raises BadCursor."""
    if not cursor:
        return dict(defaults)
    try:
        state = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error) as exc:
        raise BadCursor("this cursor was not made by this API; start again without one") from exc
    if not isinstance(state, dict) or set(state) != set(defaults) or any(
            type(state[k]) is not type(v) for k, v in defaults.items()):
        raise BadCursor("this cursor was not made by this API; start again without one")
    return state
