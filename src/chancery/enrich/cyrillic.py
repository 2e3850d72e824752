"""The Cyrillic form of a Russian name that the archive has only in Latin script.

No table turns "Khrushchev" back into "Хрущёв" alone: one Latin spelling stands for several
Cyrillic ones (e = е/э/ё, y = ы/й/ий, the soft sign no English spelling shows). So the
reverse table proposes every spelling within a small cost, Russian orthography drops the
impossible ones (no ы after к, no й after a consonant), and a candidate is kept only when a
romanisation readers meet in print (BGN/PCGN, Library of Congress, ICAO, Wikipedia, Moscow
metro, the German Duden) turns it back into the name as the archive has it. Of what passes,
the cheapest spellings are kept, and ties stay: Меньшиков and Меншиков are both real.

ё: Russian print mostly writes е for ё, so the е form always comes first; a name ending in
-ев after ж, ч, ш or щ (Khrushchev, Gorbachev, Pugachev) also gets the ё form, as that
ending is stressed in most such surnames; other -ев endings (Medvedev, Turgenev, and -лев,
where Королёв and Соболев split evenly) get none."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from chancery.domain.authorities import NameVariant, VariantSource, fold
from chancery.enrich.names import _SCHEMES, _duden_name, has_cyrillic

# Latin spelling -> (Cyrillic, cost); the first reading of each costs nothing.
_REVERSE: dict[str, tuple[tuple[str, int], ...]] = {
    "schtsch": (("щ", 0),), "shch": (("щ", 0),), "sch": (("щ", 0), ("ш", 2)),
    "tsch": (("ч", 0),), "kh": (("х", 0),), "zh": (("ж", 0),), "ch": (("ч", 0), ("х", 2)),
    "sh": (("ш", 0),), "ts": (("ц", 0), ("тс", 2)), "yu": (("ю", 0),), "ya": (("я", 0),),
    "yo": (("ё", 0), ("йо", 1), ("ьё", 1)), "ye": (("е", 0), ("ье", 1)), "ju": (("ю", 0),),
    "ja": (("я", 0),), "jo": (("ё", 0),), "ii": (("ий", 0),), "iy": (("ий", 0),),
    "a": (("а", 0),), "b": (("б", 0),), "v": (("в", 0),), "w": (("в", 0),), "g": (("г", 0),),
    "d": (("д", 0),), "e": (("е", 0), ("э", 1)), "z": (("з", 0), ("ц", 2)), "ow": (("ов", 0),),
    "i": (("и", 0), ("й", 0)), "y": (("ы", 0), ("й", 0), ("ий", 0), ("ый", 1), ("ь", 1)),
    "k": (("к", 0),), "l": (("л", 0), ("ль", 1)), "m": (("м", 0),), "n": (("н", 0), ("нь", 1)),
    "o": (("о", 0),), "p": (("п", 0),), "r": (("р", 0),), "s": (("с", 0), ("з", 2)),
    "t": (("т", 0),), "u": (("у", 0),), "f": (("ф", 0),), "h": (("х", 1),), "x": (("кс", 0),),
    "j": (("й", 0),), "'": (("ь", 0),),
}
_LONGEST = max(map(len, _REVERSE))
_SPLIT = 2  # the cost of reading a spelling letter by letter ("sh"+"ch" for "shch")
_SOFTENED_BEFORE = ("sh", "ch", "zh", "sch", "tsch", "ts")
_BUDGET = 3  # total cost of the alternative readings one candidate may take
_CAP = 4000  # candidates tried at most per word (a 15-letter name stays under it)
# Spellings Russian orthography does not write (in names from Russian).
# (ы before a vowel, й before one but о, ы or и before a final й mid-word, и after a vowel
# at the end are possible but not in the names readers look for: Микоян, not Микойан.)
_IMPOSSIBLE = re.compile(
    r"^[ьъыйё]|[гкхжшчщ]ы|[аеёиоуыэюяь]ь|[бвгджзклмнпрстфхцчшщ]й|[бвгджзклмнпрстфхцчшщь]э"
    r"|[жшчщ][яю]|ь[йы]|[^аеёиоуыэюя]ъ|ы[аеёиоуыэюя]|й[аеиуыэюя]|[ыи]й.|[аеоуя]и$|ы$")
# The romanisations a reader meets in English and German print. ISO 9, the scientific
# system and Telegram's write х as "h"/"x" and ц as "c", so English "h" and "c" would pass.
_CHECKED = ("bgn-pcgn", "ala-lc", "icao", "wikipedia", "mosmetro")
_HUSHED_EV = re.compile(r"([жчшщ])ев$")
_HUSHED_OV = re.compile(r"([жчшщ])ов$")  # the German -ow of -ёв: Chruschtschow is Хрущёв
# Surname endings of Russian (and Soviet Armenian, Ukrainian) names in romanised print.
_RUSSIAN_ENDING = re.compile(
    r"(ov|ev|yov|ova|eva|in|ina|yn|sky|skiy|skii|ski|skaya|oy|iy|ny|nyi|enko|yan|ian|ko|ich"
    r"|vich|vna|uk|chuk|ow|ew)$")
# Words of a description that place a person in the Soviet or Russian world.
_SOVIET = frozenset({"soviet", "ussr", "russia", "russian", "moscow", "kremlin", "cpsu",
                     "politburo", "presidium", "ukraine", "ukrainian", "byelorussian", "kgb",
                     "tass", "pravda", "izvestia", "sovietunion", "leningrad"})


def looks_russian(name: str, description: str = "") -> bool:
    """Whether a Latin-script name is plausibly a Russian one: a Russian surname ending and,
    when a description is given, a Soviet or Russian word in it (with none, the caller has
    already chosen the record for its Soviet context)."""
    surname = _surname(name)
    if has_cyrillic(name) or len(surname) < 4 or not _RUSSIAN_ENDING.search(surname):
        return False
    words = set(fold(description.replace("U.S.S.R.", "USSR")).split())
    return not description or bool(words & _SOVIET)


def cyrillic_forms(name: str, description: str = "") -> list[NameVariant]:
    """The Cyrillic forms of a Russian name in Latin script (the surname alone and the whole
    name), each checked by romanising it forward again; none for a name that is not Russian."""
    if not looks_russian(name, description):
        return []
    found: dict[str, str] = {}
    for surname, scheme in cyrillic_words(_surname(name)):
        found.setdefault(_capital(surname), scheme)
        whole = _whole_name(name, surname)
        if whole:
            found.setdefault(whole, scheme)
    return [NameVariant(n, VariantSource.GENERATED, "ru", f"reverse-{s}") for n, s in found.items()]


def cyrillic_words(word: str) -> list[tuple[str, str]]:
    """A Latin word's Cyrillic spellings (lower case) with the scheme that confirmed each."""
    target = _letters(word)
    passed: list[tuple[int, str, str]] = []
    for cost, candidate in _candidates(fold(word).replace(" ", "")):
        scheme = _confirming_scheme(candidate, target)
        if scheme:
            passed.append((cost, candidate, scheme))
    if not passed:
        return []
    best = min(c for c, _, _ in passed)
    kept = [(cand, s) for c, cand, s in sorted(passed) if c <= best + 1]
    return _with_yo(kept)


def _with_yo(forms: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for raw, scheme in forms:
        form = _HUSHED_OV.sub(r"\1ев", raw)
        out.append((form, scheme))
        if _HUSHED_EV.search(form):
            out.append((_HUSHED_EV.sub(r"\1ёв", form), scheme))
    return list(dict.fromkeys(out))


@cache
def _candidates(latin: str) -> tuple[tuple[int, str], ...]:
    found: list[tuple[int, str]] = []
    for cost, cyr in _spell(latin, 0, _BUDGET):
        if not _IMPOSSIBLE.search(cyr):
            found.append((cost, cyr))
        if len(found) >= _CAP:
            break
    return tuple(found)


def _spell(latin: str, at: int, budget: int) -> Iterator[tuple[int, str]]:
    if at == len(latin):
        yield 0, ""
        return
    longest = 0
    for size in range(min(_LONGEST, len(latin) - at), 0, -1):
        chunk = latin[at:at + size]
        longest = longest or (size if chunk in _REVERSE else 0)
        split = _SPLIT if size < longest else 0
        for cyr, cost in _REVERSE.get(chunk, ()):
            if cost + split > budget or not _soft_sign_fits(chunk, cyr, latin[at + size:]):
                continue
            for rest_cost, rest in _spell(latin, at + size, budget - cost - split):
                yield cost + split + rest_cost, cyr + rest


def _soft_sign_fits(chunk: str, cyr: str, rest: str) -> bool:
    """A soft sign no Latin letter shows is read only before a hushing consonant or ц
    (Меньшиков, Ельцин), never at the end of a name, before a vowel or another consonant (not
    Зоринь, not Маленьков)."""
    return not (cyr.endswith("ь") and chunk in ("l", "n")) or rest.startswith(_SOFTENED_BEFORE)


def _confirming_scheme(candidate: str, target: str) -> str:
    for scheme in _CHECKED:
        if _letters(_SCHEMES[scheme].translate(candidate)) == target:
            return scheme
    return "duden" if _letters(_duden_name(candidate)) == target else ""


def _letters(text: str) -> str:
    """The Latin letters of a romanisation, compared without case, marks or apostrophes."""
    return "".join(ch for ch in fold(text.replace("ё", "e").replace("Ё", "E")) if "a" <= ch <= "z")


def _surname(name: str) -> str:
    head, comma, _ = name.partition(",")
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", head if comma else name)
    return words[-1] if words else ""


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_DIGRAPH_INITIALS = {"kh": "Х", "zh": "Ж", "ch": "Ч", "sh": "Ш", "ts": "Ц", "yu": "Ю", "ya": "Я"}


def _whole_name(name: str, surname_cyr: str) -> str:
    """The whole name with its surname in the given spelling and each given name or initial in
    its first confirmed Cyrillic spelling; "" when a given name has none."""
    surname = _surname(name)
    failed = False

    def convert(match: re.Match[str]) -> str:
        nonlocal failed
        word = match.group(0)
        if word == surname:
            return _capital(surname_cyr)
        if len(word) <= 2 and word[:1].isupper():  # an initial: "N.", "Kh."
            lowered = word.lower()
            return _DIGRAPH_INITIALS.get(lowered, _first_letter(lowered[0]))
        forms = cyrillic_words(word)
        failed = failed or not forms
        return _capital(forms[0][0]) if forms else word

    whole = _LATIN_WORD.sub(convert, name)
    return "" if failed or whole == _capital(surname_cyr) else whole


def _first_letter(letter: str) -> str:
    return _REVERSE.get(letter, (("", 0),))[0][0].upper()
