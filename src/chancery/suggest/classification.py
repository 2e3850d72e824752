"""The classification marking stamped on a document, and its level (domain/classification.py).

Stamps are printed in capitals, at the top and foot of every page ("SECRET", "TOP SECRET
EYES ONLY"), or on a line of their own in other languages («Совершенно секретно», "Streng
vertraulich"). Forms print every level as a box to tick ("[] SECRET [] CONFIDENTIAL []
UNCLASSIFIED"), so the level stamped most often wins, not the highest named; a labelled field
("CLASSIFICATION: Secret") counts three times. "Secret Service" is an agency, not a marking."""

from __future__ import annotations

import re
from collections import Counter

from chancery.domain.classification import Level, classify_marking
from chancery.domain.suggestions import Finding, Kind
from chancery.suggest.context import SuggestContext
from chancery.suggest.doctype import first_document_end

NAME = "classification"
VERSION = "3"

_CAVEATS = (r"(?:[\s/,;-]+(?:EYES\s+ONLY|NOFORN|NODIS|EXDIS|LIMDIS|NIACT|RYBAT|SENSITIVE|"
            r"PRIORITY|ROUTINE|NO\s+FOREIGN\s+DISSEM))*")
_PATTERNS = [
    # English stamps, in capitals only: "secret" in running text is not a marking
    re.compile(r"\bTOP\s+SECRET\b" + _CAVEATS + r"|(?<!NON-)(?<!NON )\bSECRET\b(?!\s+SERVICE)"
               + _CAVEATS + r"|\bCONFIDENTIAL\b" + _CAVEATS +
               r"|\bUNCLASSIFIED\b|\bLIMITED\s+OFFICIAL\s+USE\b|\bEYES\s+ONLY\b"),
    # any case, alone on its line
    re.compile(r"^[^\w\n]*(?:top\s+secret|secret|confidential|unclassified)(?:[\s;,]+eyes\s+only)?"
               r"[^\w\n]*$", re.I | re.M),
    re.compile(r"совершенно\s+секретно|особой\s+важности|\bсекретно|для\s+служебного\s+пользования"
               r"|конфиденциально|\bstreng\s+geheim\b|\bgeheim\b|\bstreng\s+vertraulich\b"
               r"|\bvs-vertraulich\b|\bvertraulich\b|\btrès\s+secret\b|\bsecret\s+défense\b"
               r"|\bconfidentiel\b|绝密|机密", re.I),
]
# a cable's or report's marking typed letter by letter: "S E C R E T", "S-E-C-R-E-T",
# "C-O-N-F-I-D-E-N-T-I-A-L" (the OCR reads the O as Q)
_SPACED = re.compile(r"\b(?P<marking>(?:T[\s-]O[\s-]P[\s-]+)?S[\s-]E[\s-]?C[\s-]?R[\s-]?E[\s-]?T|"
                     r"C[\s-][OQ0][\s-]N[\s-]F[\s-]I[\s-]D[\s-]E[\s-]N[\s-]T[\s-]I[\s-]A[\s-]L)\b")
# a form's field: "CLASSIFICATION: — Secret"
_LABELLED = re.compile(r"\bclassification\s*[:.]?\s*[—–-]?\s*(?P<marking>top\s+secret|secret|"
                       r"confidential|unclassified)\b", re.I)


def find(text: str, ctx: SuggestContext) -> list[Finding]:
    """The marking stamped most often (a labelled one weighs more), with its level, on the
    file's first document: a later memorandum's SECRET is not the airtel's before it."""
    seen = _markings(text[:first_document_end(text)])
    levels: Counter[Level] = Counter()
    for m, weight in seen:
        levels[classify_marking(_printed(m)).level] += weight
    levels.pop(Level.UNKNOWN, None)  # "EYES ONLY" alone names no level
    if not levels:
        return []
    best = max(levels, key=lambda lvl: (levels[lvl], lvl.rank))
    match = max((m for m, _ in seen if classify_marking(_printed(m)).level is best),
                key=lambda m: len(_printed(m).split()))  # the fullest form: with its caveats
    marking = classify_marking(_printed(match))
    confidence = min(0.95, 0.5 + 0.15 * levels[best])
    return [Finding(Kind.CLASSIFICATION, marking.marking, round(confidence, 2),
                    evidence=match.group(0), start=match.start(), end=match.end(),
                    data={"marking": marking.marking, "level": marking.level.value,
                          "caveats": "; ".join(marking.caveats)},
                    stage=f"{NAME}/{VERSION}")]


def _markings(text: str) -> list[tuple[re.Match[str], int]]:
    """Every marking with its weight; a span read by one pattern is not read again."""
    seen = [(m, 3) for m in _LABELLED.finditer(text)]
    taken = [(m.start(), m.end()) for m, _ in seen]
    for rx in (_SPACED, *_PATTERNS):
        for m in rx.finditer(text):
            if not any(m.start() < b and a < m.end() for a, b in taken):
                seen.append((m, 1))
                taken.append((m.start(), m.end()))
    return seen


def _printed(m: re.Match[str]) -> str:
    """The marking as printed, without a form's label or the stamp's frame."""
    marking = m.groupdict().get("marking") or m.group(0)
    if m.re is _SPACED:  # "S-E-C-R-E-T" is SECRET
        marking = re.sub(r"[\s-]", "", marking).replace("TOPSECRET", "TOP SECRET").replace(
            "CQN", "CON").replace("C0N", "CON")
    return marking.strip(" \t\n|[]().*-")
