"""A declassified document's release history: each time it was released (in part or in
full), by whom, and under what authority — "2025 release under the JFK Records Act", NARA;
"MDR case 2019-0421". A historian reads from it which version of a document they cite.

(Not domain/release.py: that one is the day an embargo ends in this archive.)"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
FIELD_LENGTH = 1_000  # characters of a release's agency, authority or note


@dataclass(frozen=True)
class Release:
    """One release of the document, as the releasing body recorded it."""

    released: str = ""  # ISO, to the year, month or day: "2025", "2017-10", "2017-10-26"
    agency: str = ""  # the releasing agency or programme: "NARA", "CIA CREST"
    authority: str = ""  # the declassification authority or review case: "JFK Records Act"
    note: str = ""  # "released in full; 3 pages previously withheld"

    @property
    def sort_key(self) -> str:
        """Undated releases last, the rest oldest first."""
        return self.released or "9999"


def release_day(text: str) -> str:
    """A release date as kept: ISO to the year, month or day; ValueError otherwise."""
    value = text.strip()
    found = _DAY.match(value)
    if value and not found:
        raise ValueError(f"release date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    if found:
        year, month, day = (int(g) if g else 1 for g in found.groups())
        date(year, month, day)  # ValueError for a month or day there is not
    return value


def release_from_record(rec: dict[str, Any]) -> Release:
    """A release from its record; ValueError when it says nothing or a part is malformed."""
    parts = {k: " ".join(str(rec.get(k) or "").split()) for k in ("agency", "authority", "note")}
    too_long = [k for k, v in parts.items() if len(v) > FIELD_LENGTH]
    if too_long:
        raise ValueError(f"a release's {too_long[0]} is over {FIELD_LENGTH} characters")
    release = Release(release_day(str(rec.get("released") or "")), **parts)
    if not (release.released or release.agency or release.authority):
        raise ValueError("a release needs a date, an agency or an authority")
    return release


def release_record(r: Release) -> dict[str, str]:
    """A release as a record."""
    return {"released": r.released, "agency": r.agency, "authority": r.authority,
            "note": r.note}


# A spreadsheet's four columns of a release history: the n-th value of each (values
# separated by "|", which the other columns' ";" could not be: a note has semicolons) make the
# n-th release. The CSV export writes the same columns.
RELEASE_COLUMNS = ("release_date", "release_agency", "release_authority", "release_note")
_PARTS = ("released", "agency", "authority", "note")


def releases_from_columns(row: dict[str, str]) -> tuple[Release, ...]:
    """The releases a spreadsheet row's release columns give; ValueError when they do not
    line up or one is malformed."""
    cells = {part: [v.strip() for v in (row.get(column) or "").split("|")]
             for part, column in zip(_PARTS, RELEASE_COLUMNS, strict=True)
             if (row.get(column) or "").strip()}
    counts = {len(v) for v in cells.values()}
    if len(counts) > 1:
        raise ValueError("the release columns hold different numbers of '|'-separated values")
    n = counts.pop() if counts else 0
    return tuple(release_from_record({part: values[i] for part, values in cells.items()})
                 for i in range(n))


def release_columns(releases: tuple[Release, ...]) -> dict[str, str]:
    """A release history as the four release columns (empty when there is none)."""
    if not releases:
        return dict.fromkeys(RELEASE_COLUMNS, "")
    return {column: " | ".join(release_record(r)[part] for r in releases)
            for part, column in zip(_PARTS, RELEASE_COLUMNS, strict=True)}
