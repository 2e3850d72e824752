"""Spreadsheet formulas in CSV cells: a cell that begins with = + - @, a tab or a carriage
return is run as a formula by Excel, LibreOffice and Google Sheets (=HYPERLINK(...) leaks data,
=cmd|... runs programs). CSV written for people gets such cells prefixed with an apostrophe, as
OWASP recommends; the stored record and JSON keep the text as it is.

The prefix is undone on reading a CSV, so an export imported again does not gain an apostrophe
each time. To keep that exact, a cell that already begins with apostrophes followed by a
trigger gets one more: reading removes exactly one."""

from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection
GUARD = "'"  # spreadsheets read a leading apostrophe as "this is text" and do not show it


def _is_risky(value: str) -> bool:
    return value.lstrip(GUARD).startswith(TRIGGERS)


def guard_cell(value: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula."""
    return GUARD + value if _is_risky(value) else value


def unguard_cell(cell: str) -> str:
    """The text a guarded CSV cell stands for (the inverse of ``guard_cell``)."""
    return cell[1:] if cell.startswith(GUARD) and _is_risky(cell[1:]) else cell
