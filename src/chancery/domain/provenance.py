"""Where a document is held, who published it, and under what terms."""

from __future__ import annotations

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
