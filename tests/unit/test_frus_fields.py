"""FRUS field rules on text printed in the real volumes: classification markings, the List
of Persons' cross-references, merging list entries across volumes, nested chapter keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from chancery.domain.authorities import Authority, AuthorityKind
from chancery.domain.classification import Level
from chancery.ingest.frus import read_volume
from chancery.ingest.frus_fields import (
    NoteCollector,
    citation_parts,
    classification_of,
    inline_text,
    marking_in,
    text_of,
)
from chancery.ingest.frus_persons import read_list
from chancery.services.authorities import same_listed_person

P = AuthorityKind.PERSON
SOURCE = "Source: Department of State, Central Files, 762.00/7–2459. "


@pytest.mark.parametrize(("note", "marking"), [
    (SOURCE + "Secret.", "Secret"),
    (SOURCE + "Secret; Niact. Drafted by Kohler.", "Secret; Niact"),
    # caveats outside any list, as printed (frus1964-68v14, frus1958-60v08, frus1958-60v11)
    (SOURCE + "Top Secret; Literally Eyes Only.", "Top Secret; Literally Eyes Only"),
    (SOURCE + "Secret; No Distribution. Drafted by the President.", "Secret; No Distribution"),
    (SOURCE + "Top Secret; Niact; [distribution indicator not declassified]. Drafted by Rockwell.",
     "Top Secret; Niact; [distribution indicator not declassified]"),
    (SOURCE + "Secret; Noforn; [classification markings and dissemination indicators not "
     "declassified].", "Secret; Noforn; [classification markings and dissemination indicators "
     "not declassified]"),
    # the next sentence run on after a comma, a colon or no full stop at all
    (SOURCE + "Secret, Also sent to USCINCEUR and repeated to Bonn.", "Secret"),
    (SOURCE + "Secret; Priority: Drafted by Yager; cleared by Evans.", "Secret; Priority"),
    (SOURCE + "Top Secret; Immediate Prepared by Hilsman.", "Top Secret; Immediate"),
    (SOURCE + "Secret.According to a memorandum from Stevens", "Secret"),
    ("[" + SOURCE + "Secret; Noforn. 2-1/2 pages of source text not declassified.]",
     "Secret; Noforn"),
    (SOURCE + "Secret Enclosure. Another copy is ibid.", "Secret Enclosure"),
    (SOURCE + "No classification marking.", "No classification marking"),
    # prose that mentions or starts with a level is no marking
    (SOURCE + "The Department classified the message top secret.", ""),
    (SOURCE + "Secret talks were held in Warsaw.", ""),
])
def test_marking_of_source_notes(note: str, marking: str) -> None:
    """The marking sentence of a source note, as printed, with every caveat it lists."""
    assert marking_in(note) == marking


def test_marking_level_is_the_one_it_starts_with() -> None:
    """"Secret (With Top Secret Attachment)" is Secret; caveats are still recognised."""
    assert classification_of("Secret (With Top Secret Attachment)").level is Level.SECRET
    assert classification_of("Official Use Only (With Confidential Section)").level \
        is Level.RESTRICTED
    found = classification_of("Top Secret; Niact; Eyes Only")
    assert (found.level, found.caveats) == (Level.TOP_SECRET, ("Eyes Only", "Niact"))


TEI = "http://www.tei-c.org/ns/1.0"
_PERSONS = f"""<TEI xmlns="{TEI}"><text><front><div xml:id="persons"><list>
<item><hi rend="strong"><persName xml:id="p_DHAF1">Douglas-Home, Alexander Frederick</persName>,</hi>
  British Foreign Secretary</item>
<item><hi rend="strong"><persName xml:id="p_EDD1">Eisenhower, Dwight D.</persName>,</hi> President</item>
<item><hi rend="strong"><persName xml:id="p_Home1">Home</persName>,</hi> see
  <persName corresp="#p_DHAF1" type="alt">Douglas-Home</persName></item>
<item><hi rend="strong"><persName xml:id="p_WAC1">Whitman, Ann C.</persName>,</hi> President
  <persName corresp="#p_EDD1" type="alt">Eisenhower</persName>’s Personal Secretary</item>
<item><persName xml:id="p_HF1">Howe, Fisher</persName>, Director, until October 1958 Hoyer Millar.
  <hi rend="italic">See</hi> <persName corresp="#p_DHAF1" type="alt">Millar</persName></item>
</list></div></front></text></TEI>"""


def test_see_references_in_the_list_of_persons() -> None:
    """"Home, see Douglas-Home" is an alias; an office naming someone else (Whitman,
    "President Eisenhower's Personal Secretary") or a stray "See" after another entry's
    office (frus1958-60v09, Howe) is not."""
    entries = read_list(etree.fromstring(_PERSONS), "persons", "persName")
    assert entries["p_Home1"].id == "p_DHAF1"
    assert entries["p_DHAF1"].aliases == ["Home"]
    assert entries["p_WAC1"].name == "Whitman, Ann C."
    assert entries["p_WAC1"].description == "President Eisenhower’s Personal Secretary"
    assert entries["p_HF1"].name == "Howe, Fisher"
    assert entries["p_EDD1"].aliases == []


def test_list_entries_merge_on_a_distinctive_name_across_offices() -> None:
    """Herter as Under Secretary (1958-60) and as trade negotiator (1961-68) is one person;
    a short name with unrelated offices, or different given names, stay apart."""
    herter = Authority(P, "Herter, Christian A.", description="Under Secretary of State until "
                       "April 1959; thereafter Secretary of State")
    trade = Authority(P, "Herter, Christian A.", description="Special Representative for Trade "
                      "Negotiations from December 1962")
    assert same_listed_person(trade, herter)
    klein = Authority(P, "Klein, David", description="Second Secretary of the Embassy in Germany")
    nsc = Authority(P, "Klein, David", description="Member of the National Security Council Staff")
    assert not same_listed_person(nsc, klein)
    initials = Authority(P, "Smith, J. R.", description="Ambassador to Poland")
    assert not same_listed_person(Authority(P, "Smith, J. R.", description="Navy"), initials)
    foster = Authority(P, "Dulles, John Foster", description="Secretary of State")
    allen = Authority(P, "Dulles, Allen W.", description="Director of Central Intelligence")
    assert not same_listed_person(allen, foster)


_VOLUME = f"""<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt>
<title type="complete">Foreign Relations, Test Volume</title></titleStmt></fileDesc></teiHeader>
<text><body><div type="compilation" xml:id="comp1"><head>Berlin</head>
<div type="chapter" xml:id="ch1"><head>January 1959</head>
<div type="document" xml:id="d1" n="1"><head>1. Editorial Note</head><p>Text.</p></div>
</div></div></body></text></TEI>"""


def test_chapter_keys_extend_their_parents(tmp_path: Path) -> None:
    """A chapter's key extends its compilation's, so that listing the compilation (by key
    prefix) includes the chapter's documents."""
    batch = read_volume(etree.fromstring(_VOLUME), tmp_path / "frustest.xml")
    keys = {c.key: c.parent_key for c in batch.collections}
    assert keys == {"frus": "", "frus/frustest": "frus", "frus/frustest/comp1": "frus/frustest",
                    "frus/frustest/comp1/ch1": "frus/frustest/comp1"}
    (doc,) = batch.documents
    assert [m.collection_key for m in doc.document.collections] == [
        "frus/frustest/comp1/ch1", "frus/frustest"]


def test_an_archive_misprinted_in_lower_case_is_the_same_archive() -> None:
    assert citation_parts("Source: Department of state, Central Files, 793.5/10–2758. Secret.")[:2] \
        == ("Department of State", "Central Files")


def test_a_printed_reference_before_the_archive_is_not_the_archive() -> None:
    note = ("Source: Department of State Press Release No. 634, Department of State, Conference "
            "Files: Lot 63 D 123, CF 1136. No classification marking.")
    assert citation_parts(note) == ("Department of State", "Conference Files", "Lot 63 D 123")


def test_archive_names_keep_their_small_words_in_lower_case() -> None:
    """Capitalising a misprint keeps "and", "of" and the like as the archive writes them
    ("National Archives And Records Administration" was shown on the home page)."""
    from chancery.ingest.frus_fields import archive_name
    assert archive_name("National Archives and Records Administration") == \
        "National Archives and Records Administration"
    assert archive_name("Department of state") == "Department of State"


def test_text_reads_through_comments_instructions_entities_and_cdata() -> None:
    """A paragraph's text skips what is not text (comments, processing instructions) and
    keeps what is (entities, CDATA), with or without notes in it; a child's tail is the
    parent's, not the child's."""
    tei = "http://www.tei-c.org/ns/1.0"
    p = etree.fromstring(f'<p xmlns="{tei}">Khrush<!-- sic -->chev<?page 3?> &amp; '
                         '<hi>Gromyko</hi>  <![CDATA[<met>]]>\n today</p>')
    assert inline_text(p, None) == text_of(p) == "Khrushchev & Gromyko <met> today"
    assert text_of(p.find(f"{{{tei}}}hi")) == "Gromyko"
    noted = etree.fromstring(f'<p xmlns="{tei}">Seen<!-- x --> by<note n="2">Ibid.</note> '
                             "Rusk</p>")
    notes = NoteCollector(None)
    assert inline_text(noted, notes) == "Seen by[2] Rusk"
    assert [(n.mark, n.text) for n in notes.notes] == [("2", "Ibid.")]
