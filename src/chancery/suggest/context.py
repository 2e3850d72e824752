"""What every stage is handed besides the text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from chancery.domain.authorities import Authority

# (folded name, phonetic key or "") -> the authority records it may stand for (the linking's
# lookup, chancery.suggest.linking); None when there is no archive to link to (a text file
# suggested on its own).
KnownNames = Callable[[str, str], Sequence[Authority]]


@dataclass(frozen=True)
class SuggestContext:
    """The language (given by a CSV or the record, else filled in by the language stage),
    the lookup of known names, and today: only to bound a two-digit year ("18 Jul 63" is
    1963, not 2063), never to fill a missing part of a date."""

    language: str = ""
    known_names: KnownNames | None = None
    today: date | None = None
