"""Suggested metadata: what a stage read from a document's text, with how sure it is and the
words it came from. A suggestion is never a record field until an editor accepts it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What a suggestion is about; the keys of `chancery suggest --json`."""

    RELEASE = "release"  # a release stamp ("2025 RELEASE UNDER ... ACT OF 1992"): not the date
    LANGUAGE = "language"
    DATE = "date"
    CLASSIFICATION = "classification"
    TYPE = "type"
    FROM = "from"
    TO = "to"
    PERSON = "people"
    ORGANIZATION = "organizations"
    PLACE = "places"
    RELATION = "relations"
    SUMMARY = "summary"


# Kinds a document has at most one of; the others are lists.
SINGLE = frozenset({Kind.RELEASE, Kind.LANGUAGE, Kind.DATE, Kind.CLASSIFICATION, Kind.TYPE,
                    Kind.SUMMARY})


class Decision(StrEnum):
    """What an editor did with a suggestion."""

    OPEN = "open"
    ACCEPTED = "accepted"
    CORRECTED = "corrected"  # accepted with a different value
    REJECTED = "rejected"


@dataclass(frozen=True)
class Finding:
    """One suggestion: its display value, the structured parts a record field needs
    (``data``: a date's start/end/precision, a classification's level, a relation's target),
    the confidence (0-1), and the words it came from with their place in the text."""

    kind: Kind
    value: str
    confidence: float
    evidence: str = ""  # the words it came from, as they stand in the text
    start: int = -1  # character offsets of the evidence in the text read; -1 when not from it
    end: int = -1
    data: Mapping[str, str] = field(default_factory=dict)
    authority_key: str = ""  # the authority record a name was linked to; "" proposes a new one
    stage: str = ""  # the stage that found it, with its version ("date/3")
