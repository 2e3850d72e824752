"""Linking printed names to authority records: by spelling, variant and sound, else new."""

from __future__ import annotations

from collections.abc import Sequence

from chancery.domain.authorities import Authority, AuthorityKind, NameVariant, VariantSource, fold
from chancery.domain.suggestions import Kind
from chancery.enrich.names import phonetic_key
from chancery.suggest.entity_rules import Verdict, stamp_spans, verdict
from chancery.suggest.linking import Way, clean_name, link

PERSON, PLACE = AuthorityKind.PERSON, AuthorityKind.PLACE
RECORDS = [
    Authority(PERSON, "Khrushchev, Nikita S.", key="person/khrushchev",
              variants=(NameVariant("Хрущёв, Никита Сергеевич", VariantSource.ORIGINAL_SCRIPT),
                        NameVariant("Chruschtschow", VariantSource.GENERATED))),
    Authority(PERSON, "Johnson, Lyndon B.", key="person/johnson-lyndon"),
    Authority(PERSON, "Johnson, U. Alexis", key="person/johnson-u-alexis"),
    Authority(PERSON, "Nosenko, Yuri", key="person/nosenko"),
    Authority(PLACE, "Moscow", key="place/moscow"),
]


def known(folded: str, phonetic: str) -> Sequence[Authority]:
    """An in-memory lookup with the catalogue's rule: a name that is the folded words or
    begins or ends with them, or whose phonetic key matches."""
    def names_it(name: str) -> bool:
        f = fold(name)
        return (f == folded or f.startswith(folded + " ") or f.endswith(" " + folded)
                or bool(phonetic and phonetic_key(name) == phonetic))
    return [a for a in RECORDS if any(names_it(n) for n in a.all_names())]


def test_a_misspelt_name_is_linked_by_sound() -> None:
    """"Khruschev" (one letter short) finds Khrushchev's record by its phonetic key."""
    linked = link("Khruschev", PERSON, known)
    assert (linked.key, linked.way) == ("person/khrushchev", Way.SOUND)
    assert linked.confidence < link("Khrushchev", PERSON, known).confidence


def test_a_surname_or_fuller_name_is_linked_by_spelling() -> None:
    """The surname alone and "N. S. Khrushchev" name the record by its preferred spelling."""
    for printed in ("Khrushchev", "N. S. Khrushchev", "Nikita Khrushchev"):
        linked = link(printed, PERSON, known)
        assert (linked.key, linked.way) == ("person/khrushchev", Way.SPELLING), printed


def test_a_variant_and_the_original_script_link_as_variants() -> None:
    """"Chruschtschow" and "Хрущёв" are names the record carries besides its preferred one."""
    for printed in ("Chruschtschow", "Хрущёв"):
        linked = link(printed, PERSON, known)
        assert (linked.key, linked.way) == ("person/khrushchev", Way.VARIANT), printed


def test_given_names_that_disagree_do_not_link() -> None:
    """"Sergei Khrushchev" (the son) is not Nikita S. Khrushchev: proposed as new."""
    assert link("Sergei Khrushchev", PERSON, known).way is Way.NEW


def test_two_records_as_good_are_left_to_the_editor() -> None:
    """"Johnson" names two records equally well: no key, both candidates offered."""
    linked = link("Johnson", PERSON, known)
    assert linked.way is Way.AMBIGUOUS and linked.key == ""
    assert set(linked.candidates) == {"person/johnson-lyndon", "person/johnson-u-alexis"}
    assert link("Lyndon Johnson", PERSON, known).key == "person/johnson-lyndon"


def test_the_record_s_kind_wins_over_the_recogniser_s_label() -> None:
    """spaCy tags "Yuri NOSENKO" as an organization; the archive knows him as a person. A
    surname alone does not cross kinds ("Ford" the company is not Gerald Ford)."""
    linked = link("Yuri NOSENKO", AuthorityKind.ORGANIZATION, known)
    assert (linked.key, linked.kind) == ("person/nosenko", PERSON)
    assert link("NOSENKO", AuthorityKind.ORGANIZATION, known).way is Way.NEW


def test_without_an_archive_every_name_is_new() -> None:
    """No lookup, no links: each name is proposed as a new record."""
    assert link("Khrushchev", PERSON, None).way is Way.NEW


def test_titles_articles_and_possessives_are_not_part_of_a_name() -> None:
    """Mr. Khrushchev's, Chairman Khrushchev and Khrushchev are one name."""
    assert {clean_name(t) for t in ("Mr. Khrushchev's", "Chairman\nKhrushchev",
                                    "Khrushchev.")} == {"Khrushchev"}
    assert clean_name("the State Department") == "State Department"
    assert clean_name("U.S.") == "U.S."


def test_the_release_stamp_is_found_even_when_ocr_breaks_it() -> None:
    """The stamp on every JFK page, whole or broken over lines, is a stamp; the text's own
    "assassination of President Kennedy" is not."""
    broken = "JOHN\n\nF. KENNEDY\n\né\n--\nASSASSINATION\n\nRECORDS"
    assert stamp_spans(broken)
    assert stamp_spans("2025 RELEASE UNDER THE PRESIDENT JOHN F. KENNEDY ASSASSINATION")
    assert not stamp_spans("in connection with the assassination of President Kennedy.")


def test_stamp_words_codes_and_debris_are_not_names() -> None:
    """What spaCy reports on the JFK scans' OCR that no archivist would file under."""
    org, person, place = Kind.ORGANIZATION, Kind.PERSON, Kind.PLACE
    for name, kind in [("SECRET", org), ("CITE", org), ("DISSEMINATION CONTROLS", org),
                       ("jFlcridalyy", place), ("Santiago o~", place), ("Box 2", person),
                       ("Ce Smith", person), ("Alias Birth Certificate", person)]:
        assert verdict(name, kind) is Verdict.NO, name
    assert verdict("DIR", org) is Verdict.NO
    assert verdict("MIRC", org) is Verdict.KNOWN_ONLY
    assert verdict("PBRUMEN", org) is Verdict.KNOWN_ONLY
    assert verdict("CIA", org) is Verdict.YES
    assert verdict("E. Howard Hunt", person) is Verdict.YES
    assert verdict("Helms", person) is Verdict.YES

