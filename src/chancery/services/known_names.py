"""The archive's authority records by name, as the suggestion stages ask for them: the
`known_names` a `SuggestContext` carries (see chancery.suggest.linking for how they are used)."""

from __future__ import annotations

from typing import Protocol

from chancery.domain.authorities import Authority, NameVariant
from chancery.storage.interface import AuthorityRow


class AuthorityWords(Protocol):
    """The one catalogue read this service needs."""

    def authorities_for_word(self, folded: str, phonetic: str) -> list[tuple[AuthorityRow, list[str]]]:
        """Authority records a word or phrase names, with all their names."""
        ...


class KnownNames:
    """``known_names(folded, phonetic)``: the records with a name that is the folded name, or
    begins or ends with it as whole words, or (``phonetic`` not "") sounds like it; each with
    its key, kind, preferred name and every other name as a variant. Draft-only records are
    included: suggestions are for editors, and nothing suggested is public."""

    def __init__(self, catalogue: AuthorityWords) -> None:
        self.catalogue = catalogue

    def __call__(self, folded: str, phonetic: str) -> list[Authority]:
        """The records that may carry this name."""
        if not folded.strip():
            return []
        return [Authority(row.kind, row.name, key=row.key, description=row.description,
                          variants=tuple(NameVariant(n) for n in names if n != row.name))
                for row, names in self.catalogue.authorities_for_word(folded[:300], phonetic)]
