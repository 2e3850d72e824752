"""The release stamp: when and under what law a document was released, kept apart from the
document itself. Every page of the 2025 JFK release carries "2025 RELEASE UNDER THE
PRESIDENT JOHN F. KENNEDY ASSASSINATION RECORDS ACT OF 1992": 2025 is not the document's
date, 1992 is not a date of it either, and Kennedy is neither its author nor a person it
names. The stage runs first; the pipeline blanks the stamp's words (``data["spans"]``, on
every page) before the other stages read the text."""

from __future__ import annotations

import re

from chancery.domain.suggestions import Finding, Kind
from chancery.suggest.context import SuggestContext

NAME = "release"
VERSION = "2"

_JFK_ACT = "President John F. Kennedy Assassination Records Act of 1992"
# The stamp's three lines, each found on its own: the OCR of a carbon splits them, and puts
# other words between them ("| 2025 RELEASE\n\nUNDER THE PRESIDENT ...\n\nRECORDS ACT OF 1992 |").
_YEAR = re.compile(r"\b(20\d\d)\s+RELEASE\b(?:\s+UNDER\b)?")
_ACT = re.compile(r"(?:\bUNDER\s+)?(?:\bTHE\s+)?\bPRESIDENT\s+JOHN\s+F\.?\s+KENNE\w*"
                  r"(?:\s+ASSASSINATION)?(?:\s+RECORDS)?(?:\s+ACT\s+OF\s+1992)?"
                  r"|(?:\bASSASSINATION\s+)?\bRECORDS\s+ACT\s+OF\s+1992\b")
# The record number the release gives each file ("104-10100-10199"), stamped beside the
# release line and again on later pages, where the OCR reads it into the line of a typed date
_RECORD = re.compile(r"(?<![\d-])\d{3}\s?-\s?\d{5}\s?-\s?\d{5}(?![\d-])")
# Other agencies' release stamps: "Approved For Release 2001/03/06 : CIA-RDP..."
_APPROVED = re.compile(r"\bApproved\s+For\s+Release\s*:?\s*((?:19|20)\d\d)(?:/\d\d/\d\d)?"
                       r"(?:\s*:\s*CIA-RDP[\w-]+)?", re.I)


def find(text: str, ctx: SuggestContext) -> list[Finding]:
    """The release stamp, once, with every place its words stand in the text."""
    years = list(_YEAR.finditer(text))
    acts = list(_ACT.finditer(text))
    if years or acts:
        return [_jfk(years, acts + list(_RECORD.finditer(text)))]
    approved = list(_APPROVED.finditer(text))
    if approved:
        year = approved[0].group(1)
        return [_finding(f"Approved for release {year}", year, "", approved, 0.9)]
    return []


def _jfk(years: list[re.Match[str]], acts: list[re.Match[str]]) -> Finding:
    year = years[0].group(1) if years else ""
    full = bool(years) and any("1992" in m.group(0) for m in acts)
    value = f"{year} release under the {_JFK_ACT}" if year else f"Release under the {_JFK_ACT}"
    return _finding(value, year, _JFK_ACT, sorted(years + acts, key=lambda m: m.start()),
                    0.99 if full else 0.8)


def _finding(value: str, year: str, authority: str, matches: list[re.Match[str]],
             confidence: float) -> Finding:
    first = matches[0]
    data = {"authority": authority, "spans": ";".join(f"{m.start()}-{m.end()}" for m in matches)}
    if year:  # the release's own date: a year, never the document's
        data |= {"display": year, "start": f"{year}-01-01", "end": f"{year}-12-31",
                 "precision": "year"}
    return Finding(Kind.RELEASE, value, confidence, evidence=first.group(0), start=first.start(),
                   end=first.end(), data=data, stage=f"{NAME}/{VERSION}")


def spans(finding: Finding) -> list[tuple[int, int]]:
    """The character spans a release finding covers (every page's stamp)."""
    out = []
    for part in finding.data.get("spans", "").split(";"):
        start, sep, end = part.partition("-")
        if sep:
            out.append((int(start), int(end)))
    return out


def blank(text: str, covered: list[tuple[int, int]]) -> str:
    """The text with the covered words replaced by spaces: offsets stay those of the text."""
    chars = list(text)
    for start, end in covered:
        chars[start:end] = [c if c in "\n\f" else " " for c in text[start:end]]
    return "".join(chars)
