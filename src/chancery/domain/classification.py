"""Security classification: the marking as printed and a normalised level."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    """Normalised classification levels, lowest first; markings of every country map here."""

    UNCLASSIFIED = "unclassified"
    RESTRICTED = "restricted"  # also "Official Use Only", "VS-NfD", «Для служебного пользования»
    CONFIDENTIAL = "confidential"  # also "Strictly confidential", «Конфиденциально»
    SECRET = "secret"  # also «Секретно», "Geheim", 机密
    TOP_SECRET = "top_secret"  # also "Completely Secret" = «Совершенно секретно», "Streng geheim", 绝密
    UNKNOWN = "unknown"  # no marking found

    @property
    def rank(self) -> int:
        """Order for comparisons; UNKNOWN sorts below everything."""
        return _RANK[self]


_RANK = {lvl: i for i, lvl in enumerate(Level)}
_RANK[Level.UNKNOWN] = -1

# Most specific first: "top secret" must win over "secret", "strictly confidential" over nothing.
_LEVEL_PATTERNS: list[tuple[str, Level]] = [
    (r"\btop[\s-]+secret\b|\bcompletely\s+secret\b|\bstrictly\s+secret\b", Level.TOP_SECRET),
    (r"совершенно\s+секретно|особой\s+важности|\bstreng\s+geheim\b|绝密", Level.TOP_SECRET),
    (r"(?<!non-)\bsecret\b|секретно|\bgeheim\b|机密", Level.SECRET),
    (r"\bconfidential\b|конфиденциально|\bvertraulich\b|秘密", Level.CONFIDENTIAL),
    (r"\blimited\s+official\s+use\b|\bofficial\s+use\s+only\b|\brestricted\b", Level.RESTRICTED),
    (r"для\s+служебного\s+пользования|\bvs-nfd\b|\bnur\s+für\s+den\s+dienstgebrauch\b", Level.RESTRICTED),
    (r"\bunclassified\b|несекретно|\boffen\b", Level.UNCLASSIFIED),
]
_CAVEATS = [
    "Eyes Only", "Niact", "Noforn", "Nodis", "Exdis", "Limdis", "Limit Distribution",
    "Priority", "Operational Immediate", "Immediate", "Flash", "Roger Channel", "No Distribution",
]
_CAVEAT_RE = {c: re.compile(r"\b" + re.escape(c).replace(r"\ ", r"\s+") + r"\b", re.I) for c in _CAVEATS}


@dataclass(frozen=True)
class Classification:
    """A classification marking as printed, its normalised level and handling caveats."""

    marking: str = ""
    level: Level = Level.UNKNOWN
    caveats: tuple[str, ...] = field(default_factory=tuple)


def level_of(text: str) -> Level:
    """The highest classification level named in a marking or source note."""
    lowered = text.casefold()
    for pattern, level in _LEVEL_PATTERNS:
        if re.search(pattern, lowered):
            return level
    return Level.UNKNOWN


def caveats_of(text: str) -> tuple[str, ...]:
    """Handling caveats named in a marking ("Secret; Niact; Eyes Only")."""
    found = [c for c, rx in _CAVEAT_RE.items() if rx.search(text)]
    # "Immediate" inside "Operational Immediate" is the same caveat, not two.
    if "Operational Immediate" in found and "Immediate" in found:
        found.remove("Immediate")
    return tuple(found)


def classify_marking(marking: str) -> Classification:
    """Normalise a marking as printed ("Strictly confidential", «Совершенно секретно»)."""
    marking = " ".join(marking.split())
    return Classification(marking, level_of(marking), caveats_of(marking))
