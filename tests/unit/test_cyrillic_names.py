"""A Russian name the archive has only in Latin script gets its Cyrillic form, checked by
romanising it forward again."""

import pytest

from chancery.domain.authorities import VariantSource, fold
from chancery.enrich.cyrillic import cyrillic_forms, looks_russian
from chancery.enrich.names import romanisations


@pytest.mark.parametrize("latin,cyrillic", [
    ("Khrushchev", "Хрущёв"), ("Khrushchev", "Хрущев"), ("Gromyko", "Громыко"),
    ("Mikoyan", "Микоян"), ("Kosygin", "Косыгин"), ("Malinovsky", "Малиновский"),
    ("Zorin", "Зорин"), ("Menshikov", "Меньшиков"), ("Kuznetsov", "Кузнецов"),
    ("Gorbachev", "Горбачёв"), ("Medvedev", "Медведев"), ("Chruschtschow", "Хрущёв"),
    ("Brezhnev", "Брежнев"), ("Dobrynin", "Добрынин"), ("Yeltsin", "Ельцин")])
def test_a_russian_surname_gets_its_cyrillic_form(latin: str, cyrillic: str) -> None:
    """The Cyrillic spelling of each Soviet name FRUS prints is among the forms made."""
    assert cyrillic in {v.name for v in cyrillic_forms(latin)}


@pytest.mark.parametrize("latin,wrong", [
    ("Medvedev", "Медведёв"), ("Kuznetsov", "Кузнетсов"), ("Zorin", "Зоринь"),
    ("Mikoyan", "Микойан"), ("Khrushchev", "Хрушчев"), ("Malenkov", "Маленьков"),
    ("Kosygin", "Козыгин")])
def test_unlikely_spellings_are_not_made(latin: str, wrong: str) -> None:
    """ё only after a hushing consonant, ц for "ts", no stray soft sign or split letters."""
    assert wrong not in {v.name for v in cyrillic_forms(latin)}


def test_every_form_romanises_back_to_the_name() -> None:
    """Each form made turns back into the Latin name in some scheme readers meet."""
    for latin in ["Khrushchev", "Menshikov", "Tsarapkin", "Podgorny", "Mayorov"]:
        for v in cyrillic_forms(latin):
            back = {fold(r.name).replace(" ", "") for r in romanisations(v.name)}
            assert fold(latin) in back, (latin, v.name)


def test_the_whole_name_is_made_with_given_names_and_initials() -> None:
    """"Khrushchev, Nikita S." gives "Хрущёв, Никита С." as well as the surname alone."""
    forms = cyrillic_forms("Khrushchev, Nikita S.", "Chairman of the Council of Ministers "
                           "of the Soviet Union")
    names = {v.name for v in forms}
    assert {"Хрущёв, Никита С.", "Хрущёв", "Хрущев"} <= names
    assert "Никита Сергеевич Хрущев" in {v.name for v in cyrillic_forms(
        "Nikita Sergeyevich Khrushchev")}
    assert all(v.source is VariantSource.GENERATED and v.language == "ru" for v in forms)
    assert all(v.scheme.startswith("reverse-") for v in forms)


@pytest.mark.parametrize("name,description", [
    ("Dean Rusk", ""), ("Christian A. Herter", "Secretary of State"),
    ("Rusk, Dean", "Secretary of State"), ("Martin, Edwin M.", "Assistant Secretary of State"),
    ("Thompson, Llewellyn E.", "Ambassador to the Soviet Union"), ("Хрущёв", "")])
def test_no_cyrillic_for_names_that_are_not_russian(name: str, description: str) -> None:
    """Americans (even the ambassador in Moscow) and names already in Cyrillic get none."""
    assert not looks_russian(name, description)
    assert cyrillic_forms(name, description) == []


def test_a_description_must_place_the_person_in_the_soviet_world() -> None:
    """A Russian-looking surname with a description gets Cyrillic only in a Soviet context."""
    assert cyrillic_forms("Zorin, Valerian A.", "Soviet Deputy Minister of Foreign Affairs")
    assert not cyrillic_forms("Baldwin, Charles F.", "Ambassador to Malaya")
    assert not cyrillic_forms("Franklin, John", "Senator from Idaho")
