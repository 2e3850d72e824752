"""Generated romanisations and the phonetic key let every spelling find its person."""

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
