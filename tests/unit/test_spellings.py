"""Which spellings a source tags as a person are plausibly that person's name."""

import pytest

from chancery.domain.spellings import is_plausible_spelling
from chancery.enrich.names import romanisations

KHRUSHCHEV = ["Khrushchev, Nikita S."]


@pytest.mark.parametrize("written", [
    "Khrushchev", "KHRUSHCHEV", "N. S. Khrushchev", "Nikita Sergeyevich Khrushchev",
    "Chairman Khrushchev", "Khru-shchev", "Khrushchev's", "Chruschtschow", "Хрущёв",
    "Hruščëv", "Khrushchov", "Krushchev", "Khrushchev, Nikita Sergeyevich"])
def test_the_surname_its_transliterations_and_fuller_forms_are_the_name(written: str) -> None:
    """Every way a text prints Khrushchev's surname, in any romanisation or script."""
    assert is_plausible_spelling(written, KHRUSHCHEV)


@pytest.mark.parametrize("written", ["Stalin", "Richard H. Davis", "Nikita", "Chairman",
                                     "Stalin and Davis", ""])
def test_another_name_a_given_name_or_a_title_alone_is_not(written: str) -> None:
    """The tagging slips of frus1961-63v05 and a lone given name or title are held back."""
    assert not is_plausible_spelling(written, KHRUSHCHEV)


def test_every_romanisation_the_project_makes_is_the_name() -> None:
    """The rule accepts each spelling our own transliteration support generates (but the
    Telegram scheme's "Hruscev", which drops what tells ш and щ from с)."""
    names = ["Хрущёв, Никита Сергеевич", *KHRUSHCHEV]
    made = [v for v in romanisations(names[0]) if v.scheme != "telegram"]
    assert len(made) > 5 and all(is_plausible_spelling(v.name, names) for v in made)


@pytest.mark.parametrize(("written", "names", "plausible"), [
    ("JFD", ["Dulles, John Foster"], True),
    ("McG. B.", ["Bundy, McGeorge"], True),
    ("Desai, M.J.", ["Desai, M. J."], True),
    ("D[urbrow]", ["Durbrow, Elbridge"], True),
    ("Greene", ["Green, Joseph N., Jr."], True),
    ("Kassem", ["Qassim, Brigadier Abdul Karim"], True),
    ("Castro", ["Castro Ruz, Fidel"], True),
    ("DeGaulle", ["de Gaulle, Charles"], True),
    ("Chou", ["Chou En-lai (Zhou Enlai)"], True),
    ("Zhou Enlai", ["Chou En-lai", "Zhou Enlai"], True),
    ("John Moors Cabot", ["Cabot, John M."], True),
    ("Allen Dulles", ["Dulles, John Foster"], False),
    ("Foster", ["Dulles, John Foster"], False),
    ("Joseph Alsop", ["Green, Joseph N., Jr."], False),
    ("Chiang Ching-kuo", ["Chiang Kai-shek"], False),
    ("Rostow, Walt W. Eisenhower", ["Rostow, Walt W."], False),
    ("CK", ["Rusk, Dean"], False),
    ("Generalissimo", ["Chiang Kai-shek, Generalissimo"], False),
])
def test_initials_misprints_and_namesakes(written: str, names: list[str], plausible: bool) -> None:
    """Initials, misprints and compound surnames are the name; a namesake's given name, a
    lone given name or title, and another person's name are not."""
    assert is_plausible_spelling(written, names) is plausible
