"""Whether a spelling a source prints for a listed person is plausibly that person's name.

FRUS volumes tag every mention with the List of Persons id of the person meant, and the
tagging slips: "Stalin" and "Richard H. Davis" carry Khrushchev's id in one volume. Only a
spelling that is plausibly the same name becomes a search synonym of the record: one with
the surname (or a transliteration or misprint of it: Chruschtschow, Хрущёв, Khru-shchev,
Greene), the initials ("JFD", "McG. B."), or a fuller form ("Nikita Sergeyevich Khrushchev").
A lone given name or title ("Foster", "Generalissimo") and anything naming another person
("Joseph Alsop" for Joseph N. Green) is kept as evidence only."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from chancery.domain.authorities import fold

# Words that name a rank, an office or a form of address, never a person by themselves.
_TITLES = frozenset({
    "sir", "lord", "lady", "mr", "mrs", "ms", "mme", "madame", "madam", "m", "dr", "prof",
    "professor", "general", "gen", "lieutenant", "lt", "colonel", "col", "major", "maj",
    "brigadier", "brig", "admiral", "adm", "marshal", "field", "captain", "capt", "commander",
    "cdr", "rear", "vice", "generalissimo", "generalissmo", "president", "premier", "chairman",
    "ambassador", "senator", "sen", "secretary", "minister", "king", "queen", "prince",
    "princess", "sheikh", "shaikh", "imam", "emperor", "shah", "archbishop", "cardinal",
    "bishop", "bonze", "viscount", "count", "countess", "baron", "earl", "duke",
    "herr", "frau", "monsieur", "signor", "jr", "sr", "ii", "iii", "iv", "i", "also", "the",
    "mission", "chancellor", "hon", "honorable", "he", "formin", "finmin", "bgen", "lcdr",
    "cmdr", "radm", "chief", "crown", "freiherr", "usaf", "usa", "usn", "usmc", "hrh", "mgen",
    "vadm", "monsignor", "msgr",
})
# Particles of a surname, not a name by themselves ("de Gaulle", "von Brentano").
_PARTICLES = frozenset({
    "de", "del", "della", "der", "den", "di", "da", "do", "dos", "das", "du", "des", "la", "le",
    "van", "von", "y", "e", "al", "el", "ibn", "bin", "ben", "abu", "abd", "st", "saint", "of",
    "und", "zu",
})
_NON_WORD = re.compile(r"[\W_]+")
# dropped inside words: "Ya'acov" is "Yaacov", "Ch'en" "Chen", "D[urbrow]" "Durbrow"
_APOSTROPHES = re.compile(r"['’ʼ`\[\]]")
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", [
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
    "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC)
# Spellings of one sound in the romanisations readers meet (English, German, scholarly),
# longest first: Khrushchev, Chruschtschow, Hruščëv and Хрущёв share a skeleton.
_SOUNDS = [("schtsch", "S"), ("shch", "S"), ("sch", "S"), ("sh", "S"), ("tsch", "C"),
           ("tch", "C"), ("zh", "Z"), ("kh", "K"), ("ch", "C"), ("ph", "f"), ("th", "t"),
           ("q", "k"), ("c", "k"), ("x", "K"), ("w", "v"), ("z", "s"), ("j", "y")]


@dataclass(frozen=True)
class _Name:
    """A listed person's name words: the surname part and the given names, folded."""

    surname: tuple[str, ...]
    given: tuple[str, ...]

    @classmethod
    def of(cls, names: Sequence[str]) -> _Name:
        surname: list[str] = []
        given: list[str] = []
        for name in names:
            head, comma, rest = name.partition(",")
            surname += _words(head)
            given += [w for w in _words(rest) if w not in _TITLES] if comma else []
        return cls(tuple(surname), tuple(given))

    def surname_forms(self) -> list[str]:
        """Surname words that name the person alone, and particles run together ("degaulle")."""
        core = [w for w in self.surname if w not in _TITLES and w not in _PARTICLES]
        joined = ["".join(self.surname[i:j]) for i in range(len(self.surname))
                  for j in range(i + 2, min(i + 3, len(self.surname)) + 1)]
        return core + joined


def _words(text: str) -> list[str]:
    """Lower-case words, marks kept for the skeleton ("hruščëv")."""
    # "[...]" marks letters an editor supplied ("D[urbrow]"): the name is the whole word
    text = unicodedata.normalize("NFC", _APOSTROPHES.sub("", text.casefold()))
    return [w for w in _NON_WORD.split(text) if w]


def skeleton(word: str) -> str:
    """A romanisation-blind key of a name word: its consonant sounds in order."""
    lowered = "".join(_CYRILLIC.get(ch, ch) for ch in word.lower())
    lowered = lowered.replace("š", "sh").replace("č", "ch").replace("ž", "zh")
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", lowered)
                    if not unicodedata.combining(ch) and ch.isalpha())
    for spelling, sound in _SOUNDS:
        plain = plain.replace(spelling, sound)
    kept = plain[:1] + re.sub(r"[aeiouy]", "", plain[1:])
    return re.sub(r"(.)\1+", r"\1", kept)


# Spellings the skeleton alone keeps apart, made one before it: the German "tsch" and
# "schtsch" and the French "chtch" (Gorbatschow, Chruschtschow, Khrouchtchev); a German "ch"
# before a consonant (Chr-, -cht) and an initial "h" before one (ISO 9's Hruščëv) are х; a
# final "-off" is the "-ov" of emigre and French spellings (Rachmaninoff).
_SOUND_SPELLINGS = [(re.compile(r"schtsch|chtch"), "shch"), (re.compile(r"tsch"), "ch"),
                    (re.compile(r"ch(?=[rlts])"), "kh"), (re.compile(r"^h(?=[^aeiouy])"), "kh"),
                    (re.compile(r"ff$"), "v")]


def sound_key(name: str) -> str:
    """The phonetic key of a person's surname (the word before a comma, else the last word):
    its skeleton with kh and k one sound, so the misspellings a reader types meet the listed
    name (Krushchev, Khruschev, Khrushchov, Chruschtschow, Хрущёв all "krSv")."""
    head, comma, _ = name.partition(",")
    words = [w for w in _words(head if comma else name) if not w.isdigit()]
    if not words:
        return ""
    word = words[-1].translate(_CYRILLIC_TABLE)
    for pattern, repl in _SOUND_SPELLINGS:
        word = pattern.sub(repl, word)
    return skeleton(word).replace("K", "k")[:40]


def romanised(word: str) -> str:
    """A Cyrillic word in plain Latin letters, lowercased (Кеннеди: kennedi, Хрущёв:
    khrushchev); other letters stay as they are."""
    return word.lower().translate(_CYRILLIC_TABLE)


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, change, swap two neighbours) from one word to the other."""
    return _distance(a, b)


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, change, swap two neighbours) from one word to the other."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            best = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, prev2[j - 2] + 1)
            row.append(best)
        prev2, prev = prev, row
    return prev[-1]


def same_word(raw_written: str, raw_listed: str) -> bool:
    """Whether a printed name word is the listed one, a transliteration or a misprint of it."""
    written, listed = fold(raw_written), fold(raw_listed)  # "hruščëv" -> "hruscev"
    if written in (listed, listed + "s", listed + "es"):  # also "the Nhus", "Salingers"
        return True
    if min(len(written), len(listed)) < 4:
        return False
    a, b = skeleton(raw_written), skeleton(raw_listed)
    if a == b or (min(len(a), len(b)) >= 4 and _distance(a, b) <= 1):
        return True
    limit = 2 if min(len(written), len(listed)) >= 7 else 1
    return _distance(fold(written), fold(listed)) <= limit


def is_plausible_spelling(written: str, names: Sequence[str]) -> bool:
    """Whether ``written`` is plausibly the name listed as ``names`` (the listed name first,
    then the names the list gives as the same person's): every word of it is one of the
    name's words, an initial or a title, and it names the surname (or is the initials)."""
    name = _Name.of(names)
    words = _words(written)
    if not words:
        return False
    kinds = _word_kinds(words, name)
    return _fits(kinds, name, "," in written) or _are_initials(written, name)


_Item = tuple[str | None, str]  # (what a printed word is in the name, the word)


def _fits(items: list[_Item], name: _Name, comma: bool) -> bool:
    """The surname is there, and any word not in the listed name is a middle name or initial:
    after a given name that agrees and before the surname ("John Moors Cabot"), or right
    after a written-out given name in "Surname, Given Middle" (not "Rostow, Walt W.
    Eisenhower"); a name listed without given names takes them after it ("Burke, Arleigh")."""
    kinds = [k for k, _ in items]
    if "surname" not in kinds:
        return False
    inverted = comma and kinds[0] == "surname"
    last_surname = max(i for i, k in enumerate(kinds) if k == "surname")
    first_given = kinds.index("given") if "given" in kinds else len(kinds)
    for i, (kind, word) in enumerate(items):
        if kind is not None:
            continue
        if inverted:
            before = items[i - 1]
            ok = (not name.given or (before[0] == "given" and len(before[1]) > 1)
                  or (len(word) == 1 and first_given < i))
        else:
            ok = first_given < i < last_surname
        if not ok:
            return False
    return True


def _word_kinds(words: list[str], name: _Name) -> list[_Item]:
    """What each printed word (or run of words broken by a hyphen or line) is in the name."""
    items: list[_Item] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + 3), i, -1):
            # a surname broken by a hyphen or a line: "Khru-shchev", "Zahr ad-Din"
            kind = _kind(words[i], name) if j == i + 1 else _joined_kind("".join(words[i:j]), name)
            if kind is not None:
                break
        items.append((kind, "".join(words[i:j])))
        i = j
    return items


def _joined_kind(word: str, name: _Name) -> str | None:
    # words run together match as printed (a hyphen or line break), not as a sound-alike:
    # "Ching-kuo" is not "Chiang Kai"
    if any(fold(word) == fold(s) for s in name.surname_forms()):
        return "surname"
    return "title" if word in _TITLES else None  # "H.E.", "H.R.H."


def _is_surname(word: str, name: _Name) -> bool:
    return any(same_word(word, s) for s in name.surname_forms())


def _kind(word: str, name: _Name) -> str | None:
    if _is_surname(word, name):
        return "surname"
    if any(same_word(word, g) or g.startswith(word) or word.startswith(g) for g in name.given):
        return "given"  # also an initial or a short form of a given name, or a fuller one
    if word in _TITLES or word in _PARTICLES or word == "s":  # "s" of "Nhu's"
        return "title"
    return None


def is_title(word: str) -> bool:
    """Whether a word names a rank, office or form of address ("Major", "Ambassador")."""
    return fold(word) in _TITLES


def _are_initials(written: str, name: _Name) -> bool:
    """"JFD", "C. K.", "McG. B.", "McN", "Desai, M.J.": each part the start of the next name
    word in order (given names, then the surname), the last one the surname's."""
    head, comma, rest = written.partition(",")
    parts: list[str] = []
    for raw in _APOSTROPHES.sub("", f"{rest} {head}" if comma else written).split():
        if raw.isupper() and raw.isalpha() and 2 <= len(raw) <= 4:
            parts += list(raw.lower())  # "JFD", "MVF"
        else:
            parts += [w for w in _words(raw) if w not in _TITLES]
    order = [*name.given, *(w for w in name.surname if w not in _TITLES)]
    if not parts:
        return False
    at = 0
    for part in parts:
        at = next((k + 1 for k in range(at, len(order)) if order[k].startswith(part)), -1)
        if at < 0:
            return False
    return order[at - 1] in name.surname
