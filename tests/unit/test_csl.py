"""The CSL-JSON item of a document, and BibTeX / RIS / COinS written from it."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs

from chancery.domain.citation_formats import bibtex, coins, edtf_date, ris
from chancery.domain.csl import Agent, csl_date, csl_item, csl_name
from chancery.domain.dates import FuzzyDate, Precision, parse_iso_date
from chancery.domain.documents import Document, DocumentType
from chancery.domain.provenance import Provenance
from chancery.domain.texts import TextKind, TextVersion


def _note() -> Document:
    return Document(
        "7da35b31", "Note, the Soviet Embassy in Beijing to the Ministry of Foreign Affairs of the "
        "People’s Republic of China", doc_type=DocumentType.NOTE,
        date=parse_iso_date("1960-07-18", "July 18, 1960"),
        texts=(TextVersion("en", TextKind.TRANSLATION, "…",
                           translators=("Dieter Heinzig", "Anna Eckner")),),
        provenance=Provenance(holding_archive="Bundesarchiv", reference_code="J IV 2/202/280",
                              publishing_archive="History and Public Policy Program Digital Archive"))


def _item(doc: Document, volume: str = "") -> dict[str, object]:
    return csl_item(doc, authors=[Agent("Soviet Embassy in Beijing", "organization")],
                    recipients=[Agent("Chiang Kai-shek, Generalissimo")],
                    publisher="Chancery", url="https://example.org/documents/x", volume=volume)


def test_names_split_only_where_it_is_safe() -> None:
    assert csl_name(Agent("Herter, Christian A.")) == {"family": "Herter", "given": "Christian A."}
    assert csl_name(Agent("Dieter Heinzig")) == {"family": "Heinzig", "given": "Dieter"}
    assert csl_name(Agent("毛泽东")) == {"literal": "毛泽东"}
    assert csl_name(Agent("Department of State", "organization")) == {"literal": "Department of State"}
    assert csl_name(Agent("Хрущёв")) == {"literal": "Хрущёв"}


def test_dates_keep_their_precision() -> None:
    """A month is never given a day; an estimate is circa; no date means no ``issued``."""
    assert csl_date(parse_iso_date("1960-07")) == {"date-parts": [[1960, 7]]}
    assert csl_date(parse_iso_date("1960-07-18")) == {"date-parts": [[1960, 7, 18]]}
    assert csl_date(parse_iso_date("1960")) == {"date-parts": [[1960]]}
    circa = FuzzyDate("ca. 1962", parse_iso_date("1962").start, parse_iso_date("1962").end,
                      Precision.CIRCA)
    assert csl_date(circa) == {"date-parts": [[1962]], "circa": True}
    span = FuzzyDate("1958-1960", parse_iso_date("1958").start, parse_iso_date("1960").end,
                     Precision.RANGE)
    assert csl_date(span) == {"date-parts": [[1958], [1960]]}
    assert csl_date(FuzzyDate("undated")) is None
    assert edtf_date(csl_date(span)) == "1958/1960" and edtf_date(csl_date(circa)) == "1962~"


def test_an_archival_document_is_a_manuscript_with_archive_fields() -> None:
    item = _item(_note())
    assert item["type"] == "manuscript" and "genre" not in item  # the title already says "Note"
    assert item["author"] == [{"literal": "Soviet Embassy in Beijing"}]
    assert item["recipient"] == [{"family": "Chiang Kai-shek", "given": "Generalissimo"}]
    assert item["translator"] == [{"family": "Heinzig", "given": "Dieter"},
                                  {"family": "Eckner", "given": "Anna"}]
    assert (item["archive"], item["archive_location"]) == ("Bundesarchiv", "J IV 2/202/280")
    assert item["source"] == "Chancery" and "container-title" not in item
    assert "archive-place" not in item  # not given: left out, never guessed
    placed = _item(replace(doc := _note(), provenance=replace(doc.provenance, archive_place="Berlin")))
    assert placed["archive-place"] == "Berlin"


def test_a_numbered_document_in_a_volume_is_a_document_in_it() -> None:
    doc = Document("d3", "Letter From the Under Secretary of State (Herter) to President Chiang",
                   doc_type=DocumentType.LETTER, number="3")
    item = _item(doc, "Foreign Relations of the United States, 1958–1960, China, Volume XIX")
    assert item["type"] == "document" and item["number"] == "3"
    assert item["container-title"].startswith("Foreign Relations")  # type: ignore[union-attr]
    assert "issued" not in item and "source" not in item and item["publisher"] == "Chancery"


def test_bibtex_escapes_and_keeps_the_archive() -> None:
    doc = _note()
    text = bibtex({**_item(doc), "title": "Costs: 100% & {more} $ _x_ #1"})
    assert text.startswith("@unpublished{7da35b31,\n")
    assert r"title = {{Costs: 100\% \& \{more\} \$ \_x\_ \#1}}" in text
    assert "author = {{Soviet Embassy in Beijing}}" in text  # braced: never split into names
    assert "translator = {Heinzig, Dieter and Eckner, Anna}" in text
    assert "date = {1960-07-18}" in text and "library = {Bundesarchiv, J IV 2/202/280}" in text
    assert text.count("{") == text.count("}") + text.count(r"\{") - text.count(r"\}")


def test_ris_tags_as_zotero_reads_them() -> None:
    lines = ris(_item(_note())).split("\r\n")
    assert lines[0] == "TY  - MANSCPT" and lines[-2] == "ER  -" and lines[-1] == ""
    tags = [(line[:2], line[6:]) for line in lines if line]
    assert ("AU", "Soviet Embassy in Beijing") in tags and ("A4", "Heinzig, Dieter") in tags
    assert ("DA", "1960/07/18/") in tags and ("PY", "1960") in tags
    assert ("DB", "Bundesarchiv") in tags and ("AN", "J IV 2/202/280") in tags
    month = ris(_item(Document("m", "A telegram", date=parse_iso_date("1960-07"))))
    assert "DA  - 1960/07//\r\n" in month


def test_coins_is_a_dublin_core_context_object() -> None:
    fields = parse_qs(coins(_item(_note())))
    assert fields["ctx_ver"] == ["Z39.88-2004"]
    assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:dc"]
    assert fields["rft.creator"] == ["Soviet Embassy in Beijing"]
    assert fields["rft.date"] == ["1960-07-18"]
