"""The editor's scans: each row of the form carries its file's media record sealed for the
session (so a posted row names a file this server listed or stored for this editor, with its
own type and page count), and the label, order and "remove" a person changes. A file
uploaded with a save that fails is stored all the same and comes back as a sealed row, so
it goes in with the next save without being chosen again."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from chancery.domain.records import Record
from chancery.services.editor import Editor, UploadRefused
from chancery.web.workspace.editor_form import Values, is_blank, row_numbers

MAX_LABEL = 200  # characters of a scan's label ("Original, Russian")


def seal_key(session_token: str) -> bytes:
    """The session's key for sealing scan rows (one-way from the session's token, which the
    page never shows)."""
    return hashlib.sha256(b"scan-rows:" + session_token.encode()).digest()


def seal(record: Record, key: bytes) -> str:
    """A media record as a form field only this session can have made."""
    body = base64.urlsafe_b64encode(json.dumps(record, sort_keys=True).encode()).decode()
    return f"{body}.{hmac.new(key, body.encode(), 'sha256').hexdigest()}"


def unseal(text: str, key: bytes) -> Record | None:
    """The media record a sealed field holds; None when it was not sealed for this session."""
    body, _, mac = text.rpartition(".")
    if not hmac.compare_digest(mac, hmac.new(key, body.encode(), "sha256").hexdigest()):
        return None
    try:
        found: Any = json.loads(base64.urlsafe_b64decode(body.encode()))
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def sealed_values(media: list[Record], key: bytes) -> Values:
    """The scan rows of a record's scans, in order."""
    out: Values = {}
    for i, m in enumerate(media):
        out.update({f"media.{i}.file": seal(m, key), f"media.{i}.label": str(m.get("label") or ""),
                    f"media.{i}.position": str(i + 1)})
    return out


def scans_of(values: Values, key: bytes, editor: Editor) -> tuple[list[Record], dict[str, str]]:
    """The scans the form lists, in the order their numbers give (ties: as listed), without
    the removed ones; errors for rows this session did not make or whose order is no number."""
    kept: list[tuple[int, int, Record]] = []
    errors: dict[str, str] = {}
    for i in row_numbers(values, "media"):
        if is_blank(values, "media", i) or values.get(f"media.{i}.remove"):
            continue
        record = unseal(values.get(f"media.{i}.file", ""), key)
        if record is None or not editor.has_file(str(record.get("sha256", ""))):
            errors[f"media.{i}.label"] = "this scan's row was not made by this form; reload"
            continue
        position = values.get(f"media.{i}.position", "").strip() or str(i + 1)
        if not position.isdigit():
            errors[f"media.{i}.position"] = "give the order as a whole number (1 comes first)"
            continue
        label = values.get(f"media.{i}.label", "").strip()[:MAX_LABEL]
        kept.append((int(position), i, {**record, "label": label}))
    return [r for _, _, r in sorted(kept, key=lambda k: (k[0], k[1]))], errors


def store_uploads(editor: Editor, uploads: list[tuple[str, Any]], values: Values,
                  key: bytes) -> list[str]:
    """Check and keep each uploaded file, adding a row for it to ``values``; the refusals,
    each naming its file and why."""
    refused = []
    taken = row_numbers(values, "media")
    count = len([i for i in taken if not is_blank(values, "media", i)])
    n = max(taken, default=-1) + 1
    for _, upload in uploads:
        try:
            record = editor.store_scan(upload.file, upload.filename or "scan")
        except UploadRefused as exc:
            refused.append(str(exc))
            continue
        count += 1
        values.update({f"media.{n}.file": seal(record, key), f"media.{n}.label": "",
                       f"media.{n}.position": str(count)})
        n += 1
    return refused


def shown_scans(values: Values, key: bytes) -> list[tuple[int, Record]]:
    """The scan rows to show again: each row's number and its file's record."""
    out = []
    for i in row_numbers(values, "media"):
        record = unseal(values.get(f"media.{i}.file", ""), key)
        if record is not None:
            out.append((i, record))
    return out
