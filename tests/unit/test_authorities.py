"""Authority matching: one person across volumes, doubtful namesakes kept apart."""

from chancery.domain.authorities import (
    Authority,
    AuthorityKind,
    fold,
    is_same_person,
    name_tokens,
    slugify,
)

P = AuthorityKind.PERSON


def test_fold_ignores_case_and_diacritics() -> None:
    """Folding makes spellings comparable."""
    assert fold("Hruščëv") == "hruscev"
    assert fold("Хрущёв") == fold("ХРУЩЕВ")


def test_fold_is_the_same_for_names_it_remembers_and_texts_it_does_not() -> None:
    """Short texts (names) are remembered, long ones folded each time: same result."""
    name = "Gomułka, Władysław"
    assert fold(name) == fold(name) == "gomulka wladyslaw"
    long = " ".join([name] * 40)
    assert len(long) > 120 and fold(long) == " ".join(["gomulka wladyslaw"] * 40)


def test_name_order_does_not_matter() -> None:
    """'Surname, Given' equals 'Given Surname'."""
    assert name_tokens("Herter, Christian A.") == name_tokens("Christian A. Herter")
    assert slugify("Herter, Christian A.") == "herter-christian-a"


def test_same_person_across_volumes() -> None:
    """Herter in two volumes with overlapping offices is one person."""
    a = Authority(P, "Herter, Christian A.", description="Under Secretary of State until April 1959; "
                  "thereafter Secretary of State")
    b = Authority(P, "Herter, Christian A.", description="Secretary of State from April 22, 1959")
    assert is_same_person(a, b)


def test_namesakes_with_different_offices_stay_apart() -> None:
    """Same name, unrelated offices: doubtful, so not merged."""
    a = Authority(P, "Smith, John", description="Ambassador to Poland")
    b = Authority(P, "Smith, John", description="Chief of Naval Operations")
    assert not is_same_person(a, b)


def test_surname_alone_is_too_little() -> None:
    """A bare surname never merges."""
    assert not is_same_person(Authority(P, "Wang"), Authority(P, "Wang"))
    assert not is_same_person(Authority(P, "Herter, C."), Authority(AuthorityKind.ORGANIZATION, "Herter, C."))


def test_fuller_or_other_romanised_forms_of_one_name_meet() -> None:
    """"Nikita S." and "Nikita Sergeyevich" (or "Sergeevich") with agreeing offices are one
    person; other given names, or no offices to compare, stay apart."""
    from chancery.domain.authorities import Authority, AuthorityKind, is_fuller_form

    def person(name: str, description: str = "") -> Authority:
        return Authority(AuthorityKind.PERSON, name, description=description)

    short = person("Khrushchev, Nikita S.", "Chairman of the Council of Ministers of the Soviet Union")
    full = person("Khrushchev, Nikita Sergeyevich", "Vice Chairman of the Soviet Council of Ministers")
    other = person("Khrushchev, Nikita Sergeevich", "First Secretary of the Communist Party, Soviet Union")
    assert is_fuller_form(short, full) and is_fuller_form(full, other)
    assert not is_fuller_form(person("Khrushchev, Nikita S."), person("Khrushchev, Nikita Sergeyevich"))
    assert not is_fuller_form(person("Dulles, John Foster", "Secretary of State"),
                              person("Dulles, Allen W.", "Director of Central Intelligence; State"))
    assert not is_fuller_form(person("Johnson, U. Alexis", "Ambassador to Thailand"),
                              person("Johnson, Lyndon B.", "Vice President; Ambassador"))
    assert not is_fuller_form(person("Khrushchev, N. S.", "Soviet Premier"),
                              person("Khrushchev, Nikita Sergeyevich", "Soviet Premier"))
