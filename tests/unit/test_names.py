"""Generated romanisations and the phonetic key let every spelling find its person."""

import pytest

from chancery.domain.authorities import Authority, AuthorityKind, NameVariant, VariantSource
from chancery.enrich.names import phonetic_key, romanisations, with_generated_variants


def test_romanisations_a_reader_may_type() -> None:
    """Хрущёв gives the English, German and scholarly spellings readers meet in print."""
    names = {v.name for v in romanisations("Хрущёв")}
    assert {"Khrushchev", "Khruschev", "Khrushchov", "Chruschtschow", "Hruščëv"} <= names
    assert all(v.source is VariantSource.GENERATED for v in romanisations("Хрущёв"))


def test_latin_names_get_no_romanisations() -> None:
    """Names already in Latin script are left alone."""
    assert romanisations("Herter, Christian A.") == []


def test_phonetic_key_meets_unlisted_spellings() -> None:
    """Spellings nobody listed share the key of the listed one."""
    keys = {phonetic_key(n) for n in ["Khrushchev, Nikita", "N. S. Khrushchev", "Khruschev",
                                      "Khrushchov"]}
    assert len(keys) == 1 and keys != {""}
    assert phonetic_key("Kennedy") not in keys


def test_generated_variants_are_added_once() -> None:
    """An authority with its original-script name gains romanisations without repeats."""
    a = Authority(AuthorityKind.PERSON, "Khrushchev, Nikita Sergeevich",
                  variants=(NameVariant("Хрущёв, Никита Сергеевич", VariantSource.ORIGINAL_SCRIPT),))
    full = with_generated_variants(a)
    names = full.all_names()
    assert "Chruschtschow, Nikita Sergeewitsch" in names
    assert len(names) == len(set(names))
    assert with_generated_variants(full) == full


def test_phonetic_key_meets_misspellings_with_missing_or_doubled_letters() -> None:
    """The misspellings the issue names (a lost "h", "sch" for "shch", German and French
    spellings, the Cyrillic itself) share Khrushchev's key; the old codex missed Krushchev."""
    spellings = ["Khrushchev", "Krushchev", "Khruschev", "Khrushchov", "Chruschtschow",
                 "Kruschev", "Khrouchtchev", "Хрущёв", "Hruščëv", "Khrushchev, Nikita S."]
    keys = {phonetic_key(n) for n in spellings}
    assert len(keys) == 1 and keys != {""}


@pytest.mark.parametrize("a,b", [("Kosygin", "Kozlov"), ("Gromyko", "Grechko"),
                                 ("Malinovsky", "Malenkov"), ("Khrushchev", "Kirichenko"),
                                 ("Mikoyan", "Mikhailov")])
def test_phonetic_key_keeps_namesakes_apart(a: str, b: str) -> None:
    """Soviet leaders whose names begin alike keep their own keys."""
    assert phonetic_key(a) != phonetic_key(b)


@pytest.mark.parametrize("a,b", [("Gorbachev", "Gorbatschow"), ("Yakovlev", "Jakowlew"),
                                 ("Rachmaninov", "Rachmaninoff"), ("Ulbricht", "Ulbrikht")])
def test_phonetic_key_meets_other_romanisations(a: str, b: str) -> None:
    """German, English and emigre spellings of one Russian or German name share a key."""
    assert phonetic_key(a) == phonetic_key(b)
