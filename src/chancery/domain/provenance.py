"""Where a document is held, who published it, and under what terms."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Provenance:
    """Holding archive, fonds and reference code; publisher; rights; funders."""

    holding_archive: str = ""  # "Stiftung Archiv der Parteien ... im Bundesarchiv"
    collection: str = ""  # fonds / record group / file series
    reference_code: str = ""  # "J IV 2/202/280", "793.5-MSP/2-1158"
    publishing_archive: str = ""  # "History and Public Policy Program Digital Archive"
    source_note: str = ""  # the editors' full source note, as printed
    rights: str = ""
    funders: tuple[str, ...] = field(default_factory=tuple)
    url: str = ""  # the source's own page for the document
    archive_place: str = ""  # where the holding archive is: "Berlin" (citations name it)


# Words that make a funder's name an institution's, which a sentence names with "the"
# ("support from the Leon Levy Foundation"); a person or "Carnegie Corporation of New York"
# takes none.
_TAKES_THE = re.compile(r"\b(Foundation|Fund|Trust|Endowment|Institute|Council|Ministry|"
                        r"Government|Department|Agency|Office|Society|Academy|Programme|"
                        r"Program|Embassy|Commission|Center|Centre)\b")


def funder_phrase(funders: tuple[str, ...]) -> str:
    """The funders as a sentence names them: "the Leon Levy Foundation and the Korea Foundation"."""
    named = [f"the {f}" if _TAKES_THE.search(f) and not f.lower().startswith("the ") else f
             for f in funders]
    if len(named) < 3:
        return " and ".join(named)
    return f"{', '.join(named[:-1])} and {named[-1]}"
