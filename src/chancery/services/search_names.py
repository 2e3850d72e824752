"""Which authority records a searched word names, and the other spellings of their names, so
that a search for Khrushchev also finds Khruschev and Хрущёв (services/search.py asks)."""

from __future__ import annotations

from collections.abc import Callable

from chancery.domain.authorities import fold
from chancery.search.grammar import Node, Word, positive_words
from chancery.search.interface import Expansion
from chancery.storage.interface import Catalogue

PhoneticKey = Callable[[str], str]
_NAME_FIELDS = ("", "author", "recipient", "person", "place", "subject")


def expand_names(catalogue: Catalogue, tree: Node,
                 phonetic: PhoneticKey | None) -> dict[str, Expansion]:
    """For each word or phrase that names an authority record, the record's keys and the
    other spellings of its name, so that Khrushchev also finds Khruschev and Хрущёв."""
    out: dict[str, Expansion] = {}
    for leaf in positive_words(tree):
        if leaf.field not in _NAME_FIELDS or (isinstance(leaf, Word) and (leaf.prefix or leaf.fuzzy)):
            continue
        folded = fold(leaf.text)
        if len(folded) < 3 or folded in out:
            continue
        key = phonetic(leaf.text) if phonetic and len(folded) >= 5 else ""
        found = [(a, names) for a, names in catalogue.authorities_for_word(folded, key)
                 if _names_it(folded, key, a.kind.value, names, phonetic)][:10]
        if found:
            spellings = {s for a, names in found for s in _spellings(names, a.kind.value)}
            spellings.discard(folded)
            out[folded] = Expansion(tuple(a.key for a, _ in found), tuple(sorted(spellings))[:24])
    return out


def _forms(name: str) -> list[str]:
    """A name and the alternative in its brackets: "Wang Ping-nan (Wang Bingnan)" gives both."""
    main, _, rest = name.partition("(")
    return [f.strip() for f in (main, rest.rstrip(") ")) if f.strip()]


def _person_parts(form: str) -> tuple[set[str], str]:
    """(words that name the person alone, what a text prints): the surname of an inverted name
    ("Khrushchev, Nikita S."), else the first or last word of a name in natural order, which
    may be either a surname ("Mao Zedong") or not ("N. S. Khrushchev"), printed whole."""
    if "," in form:  # "Klein, David"; "Chiang Kai-shek, Generalissimo"
        surname = form.split(",")[0].strip()
        first = fold(surname.split()[0]) if surname.split() else ""
        return {fold(surname)} | ({first} if len(first) >= 3 else set()), surname
    words = form.split()
    return {fold(words[0]), fold(words[-1])}, form


def _names_it(folded: str, key: str, kind: str, names: list[str],
              phonetic: PhoneticKey | None) -> bool:
    """Whether the word names this record: the whole name of any record, or a person's name
    part that stands for them (so "union" is not the Embassy in the Soviet Union, nor "David"
    David Klein)."""
    forms = [f for n in names for f in _forms(n)]
    if any(fold(f) == folded for f in forms):
        return True
    if kind != "person":
        return False
    parts = {p for f in forms for p in _person_parts(f)[0]}
    if folded in parts:
        return True
    # sound-alike only for long words: short names collide (Chiang, Chang, Chung)
    return bool(key and phonetic and len(folded) >= 7
                and any(phonetic(p) == key for p in parts if len(p) >= 5))


def _spellings(names: list[str], kind: str) -> list[str]:
    """What a text is likely to print for a record: a person's surname or natural-order name
    (not a lone given name or title such as "Ching-kuo" or "Generalissimo"), other records'
    whole names."""
    forms = [f for n in names for f in _forms(n)]
    if kind != "person":
        return [f for f in forms if len(fold(f)) >= 3]
    surnames = {fold(f.split(",")[0]) for f in forms if "," in f}
    shown = [_person_parts(f)[1] for f in forms
             if "," in f or len(f.split()) > 1 or not surnames or fold(f) in surnames]
    return [s for s in shown if len(fold(s)) >= 3]
