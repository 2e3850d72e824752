"""A revision's field-level diff as a person reads it: one row per field that changed, before
and after, with a group (date, provenance, classification) opened to the parts that changed,
text versions and scans matched by their key, and a long text (a transcription's body, a
summary of several lines) shown as the lines that changed, not two whole bodies.

``changes`` is the shape revisions keep ({field: [old, new]}, the values as in
domain/records.document_record); nothing here reads anything else."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any, Literal

LONG = 160  # characters: a text longer than this, of several lines or a body is diffed by line
CONTEXT = 1  # unchanged lines kept around each change, so a changed line is found in its place
MAX_LINES = 60  # lines shown of one field's diff (an imported body is all "added"); the rest counted
# lists whose items carry an identity: a change of one text version is that version's diff
_KEYED = {"texts": ("key", "language"), "media": ("sha256",)}

LineKind = Literal["same", "removed", "added", "gap"]


@dataclass(frozen=True)
class Line:
    """A line of a line diff; a "gap" stands for unchanged lines left out (``text`` says how
    many)."""

    kind: LineKind
    text: str


@dataclass(frozen=True)
class FieldDiff:
    """One changed field: ``old`` and ``new`` as written ("" for nothing), or, for a long
    text or a list of records, ``lines`` (old and new then "") and ``more``, the changed
    lines past MAX_LINES left out."""

    name: str  # "title", "date.display", "texts[en].body", "collections"
    old: str = ""
    new: str = ""
    lines: tuple[Line, ...] = ()
    more: int = 0


def field_diffs(changes: dict[str, list[Any]]) -> list[FieldDiff]:
    """The rows of a revision's diff, in the order of its fields."""
    out: list[FieldDiff] = []
    for name, pair in changes.items():
        old, new = [*pair, None, None][:2]
        out += _diffs(name, old, new)
    return out


def _diffs(name: str, old: Any, new: Any) -> list[FieldDiff]:
    if old == new or (_empty(old) and _empty(new)):
        return []
    if _is(dict, old, new):
        return _group(name, old or {}, new or {})
    if _is(list, old, new) and name in _KEYED:
        return _keyed(name, old or [], new or [], _KEYED[name])
    if _is(list, old, new) and any(isinstance(v, dict) for v in (*(old or []), *(new or []))):
        return [_line_diff(name, [_item(v) for v in old or []], [_item(v) for v in new or []])]
    before, after = written(old), written(new)
    if name.endswith(".body") or max(len(before), len(after)) > LONG or "\n" in before + after:
        return [_line_diff(name, before.splitlines(), after.splitlines())]
    return [FieldDiff(name, before, after)]


def _is(kind: type, old: Any, new: Any) -> bool:
    """Both values of this kind, or one of them and nothing."""
    return all(isinstance(v, kind) or v is None for v in (old, new)) and (old, new) != (None, None)


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _group(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[FieldDiff]:
    out: list[FieldDiff] = []
    for key in dict.fromkeys([*old, *new]):
        out += _diffs(f"{name}.{key}", old.get(key), new.get(key))
    return out


def _keyed(name: str, old: list[Any], new: list[Any], keys: tuple[str, ...]) -> list[FieldDiff]:
    """Items matched by their identity (a text version's key, a scan's hash), each diffed."""
    def ident(item: Any) -> str:
        found = (str(item.get(k) or "") for k in keys) if isinstance(item, dict) else ()
        return next((k for k in found if k), written(item))
    before, after = {ident(v): v for v in old}, {ident(v): v for v in new}
    out: list[FieldDiff] = []
    for key in dict.fromkeys([*before, *after]):
        out += _diffs(f"{name}[{key}]", before.get(key), after.get(key))
    return out


def _line_diff(name: str, old: list[str], new: list[str]) -> FieldDiff:
    """The changed lines with CONTEXT lines around them, at most MAX_LINES."""
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    done = 0  # lines of ``old`` written or counted so far
    for group in matcher.get_grouped_opcodes(CONTEXT):
        if group[0][1] > done:
            lines.append(Line("gap", _gap(group[0][1] - done)))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [Line("same", t) for t in old[i1:i2]]
            else:
                lines += [Line("removed", t) for t in old[i1:i2]]
                lines += [Line("added", t) for t in new[j1:j2]]
        done = group[-1][2]
    if lines and done < len(old):
        lines.append(Line("gap", _gap(len(old) - done)))
    shown = lines[:MAX_LINES]
    more = sum(1 for line in lines[MAX_LINES:] if line.kind in ("removed", "added"))
    return FieldDiff(name, lines=tuple(shown), more=more)


def _gap(count: int) -> str:
    return f"… {count} unchanged line{'' if count == 1 else 's'}"


def _item(value: Any) -> str:
    """A record in a list (a collection, a relation, a release) as one line."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {written(v)}" for k, v in value.items() if not _empty(v))
    return written(value)


def written(value: Any) -> str:
    """A value as a person wrote it: text as it is, "" for nothing, a list of words joined,
    anything else as JSON with its letters kept."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    return json.dumps(value, ensure_ascii=False)
