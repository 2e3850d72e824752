"""The house citation: exactly the reference page's form, and sensible when parts are missing."""

from __future__ import annotations

from chancery.domain.citations import house_citation
from chancery.domain.dates import parse_iso_date
from chancery.domain.documents import Document
from chancery.domain.provenance import Provenance
from chancery.domain.texts import TextKind, TextVersion

REFERENCE = ("“Note, the Soviet Embassy in Beijing to the Ministry of Foreign Affairs of the "
             "People’s Republic of China,” July 18, 1960, History and Public Policy Program Digital "
             "Archive, Stiftung “Archiv der Parteien und Massenorganisationen der ehemaligen DDR” im "
             "Bundesarchiv J IV 2/202/280. Translated by Dieter Heinzig and Anna Eckner. The copy of "
             "the Russian note is not dated but known from other sources.")


def test_reference_record_cites_exactly_as_the_reference_page() -> None:
    """The Soviet note of 18 July 1960 gives the reference page's citation, letter for letter."""
    doc = Document(
        "7da35b31", "Note, the Soviet Embassy in Beijing to the Ministry of Foreign Affairs of the "
        "People’s Republic of China",
        date=parse_iso_date("1960-07-18", "July 18, 1960",
                            "The copy of the Russian note is not dated but known from other sources."),
        texts=(TextVersion("en", TextKind.TRANSLATION, "…",
                           translators=("Dieter Heinzig", "Anna Eckner")),),
        provenance=Provenance(
            holding_archive="Stiftung “Archiv der Parteien und Massenorganisationen der ehemaligen "
                            "DDR” im Bundesarchiv", reference_code="J IV 2/202/280",
            publishing_archive="History and Public Policy Program Digital Archive"))
    assert house_citation(doc, "Chancery") == REFERENCE


def test_missing_parts_leave_no_stray_punctuation() -> None:
    """No translator, no reference, a month date, a FRUS source note, the archive's own name."""
    frus = Document("x", "Telegram From the Embassy in the Soviet Union to the Department of State",
                    date=parse_iso_date("1960-07", "July 1960"),
                    provenance=Provenance(source_note="Source: Department of State, Central Files, "
                                                      "761.00/7-1860. Secret; Niact."))
    assert house_citation(frus, "Chancery Digital Archive") == (
        "“Telegram From the Embassy in the Soviet Union to the Department of State,” July 1960, "
        "Chancery Digital Archive, Department of State, Central Files, 761.00/7-1860. Secret; Niact.")
    bare = Document("y", "Untitled memorandum.")
    assert house_citation(bare, "Chancery") == "“Untitled memorandum,” undated, Chancery."
