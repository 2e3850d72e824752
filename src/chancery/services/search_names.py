"""Which authority records a searched word names, and the other spellings of their names, so
that a search for Khrushchev also finds Khruschev and Хрущёв (services/search.py asks)."""

from __future__ import annotations

from collections.abc import Callable

from chancery.domain.authorities import fold
from chancery.search.grammar import And, Node, Phrase, Word, positive_words
from chancery.search.interface import Expansion
from chancery.storage.interface import Catalogue

PhoneticKey = Callable[[str], str]
_NAME_FIELDS = ("", "author", "recipient", "person", "place", "subject")
# spellings searched for one word or phrase: a Russian or Chinese name has a score of them
_MOST_SPELLINGS = 48
# a shorter sound key is shared by unrelated names (Xinjiang and Qingguo are both "kng")
_SHORTEST_KEY = 4
_LONGEST_NAME = 4  # words of a name typed without quotes ("Nikita Sergeyevich Khrushchev")


def group_names(catalogue: Catalogue, tree: Node) -> Node:
    """A name typed without quotes, read as the one name it is: in "Wang Bingnan talks", the
    words "Wang Bingnan" are a record's name and become one phrase, so that the record's
    spellings are searched for the name, not every Wang for "Wang". Only runs of two to four
    plain words that are exactly a stored name are joined, the longest first; every run of a
    query is looked up in one query (a long question has dozens)."""
    if not isinstance(tree, And):
        return tree
    children = list(tree.children)
    words = [_plain(c) for c in children]
    runs = {(start, size): fold(" ".join(words[start:start + size]))
            for start in range(len(words)) for size in range(2, _LONGEST_NAME + 1)
            if start + size <= len(words) and all(words[start:start + size])}
    names = catalogue.names_among(list(runs.values()))
    out: list[Node] = []
    i = 0
    while i < len(children):
        size = next((n for n in range(_LONGEST_NAME, 1, -1) if runs.get((i, n)) in names), 1)
        out.append(Phrase(" ".join(words[i:i + size])) if size > 1 else children[i])
        i += size
    return out[0] if len(out) == 1 else And(tuple(out))


def _plain(node: Node) -> str:
    """The text of a plain word of all text ("" for anything else)."""
    if isinstance(node, Word) and not (node.field or node.prefix or node.fuzzy):
        return node.text
    return ""


def expand_names(catalogue: Catalogue, tree: Node,
                 phonetic: PhoneticKey | None) -> dict[str, Expansion]:
    """For each word or phrase that names an authority record, the record's keys and the
    other spellings of its name, so that Khrushchev also finds Khruschev and Хрущёв."""
    out: dict[str, Expansion] = {}
    for leaf in positive_words(tree):
        if leaf.field not in _NAME_FIELDS or (isinstance(leaf, Word) and (leaf.prefix or leaf.fuzzy)):
            continue
        folded = fold(leaf.text)
        if len(folded) < _shortest(folded) or folded in out:
            continue
        # the sound key is a surname's: for a word typed alone, not for a whole name
        key = phonetic(leaf.text) if phonetic and len(folded) >= 5 and " " not in folded else ""
        key = key if len(key) >= _SHORTEST_KEY else ""
        found = [(a, names) for a, names in catalogue.authorities_for_word(folded, key)
                 if _names_it(folded, key, a.kind.value, names, phonetic)][:10]
        if found:
            spellings = {s for a, names in found for s in _spellings(names, a.kind.value)}
            spellings.discard(folded)
            # not every Wang for Wang Ping-nan (or 王炳南); every Wang for Wang
            spellings -= _shared_surnames(catalogue, spellings, len(found))
            out[folded] = Expansion(tuple(a.key for a, _ in found),
                                    tuple(sorted(spellings))[:_MOST_SPELLINGS])
    return out


def _shared_surnames(catalogue: Catalogue, spellings: set[str], named: int) -> set[str]:
    """The one-word spellings that stand for more people than the ones asked for: a record
    of Wang Ping-nan carries "Wang" (FRUS tags the surname alone), and so do other Wangs';
    searching it would find every Wang. Documents that tag the person by that word are still
    found through the record's key."""
    words = {fold(s): s for s in spellings if " " not in fold(s) and len(fold(s)) >= 3}
    owners = catalogue.people_named(list(words))
    return {s for w, s in words.items() if owners.get(w, 0) > named}

def _shortest(folded: str) -> int:
    """The fewest letters a word needs to name a record: two characters are a whole name in
    Chinese (北京), three in the alphabets."""
    return 2 if any("\u2e80" <= ch <= "\u9fff" for ch in folded) else 3


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
