"""Pinyin and Wade-Giles syllables: the table chancery ships, read into lookups.

A Wade-Giles syllable as FRUS prints it, without apostrophes or umlauts, can stand for
several pinyin syllables ("chi" is ji or qi, "chu" is zhu, chu or ju, "tsu" is zu or cu);
``read_wade_giles`` returns every one. A syllable printed with its apostrophe is read only
as written ("ch'i" is qi)."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parents[1] / "data"
# Typographic apostrophes and the modifier letters some editions use for the aspiration mark.
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02bb": "'",
                             "`": "'", "\u00b4": "'"})


@dataclass(frozen=True)
class Syllables:
    """The syllable table read into lookups (all keys lower case)."""

    wade_giles: dict[str, str]  # pinyin -> Wade-Giles with apostrophe and umlaut, no circumflex
    other: dict[str, str]  # pinyin -> another Wade-Giles spelling in print (yi: "yi" beside "i")
    careful: dict[str, tuple[str, ...]]  # Wade-Giles with apostrophes kept, umlauts dropped
    plain: dict[str, tuple[str, ...]]  # Wade-Giles as FRUS prints it: no apostrophe, no umlaut
    pinyin: dict[str, tuple[str, ...]]  # pinyin as typed (ü as u after l/n, or as v) -> pinyin


def strip_marks(text: str) -> str:
    """Text without umlauts or circumflexes ("hsüeh" -> "hsueh", "têng" -> "teng")."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def plain(text: str) -> str:
    """Wade-Giles as FRUS prints it: apostrophes and diacritics dropped ("Shao-ch'i" -> "Shao-chi")."""
    return strip_marks(text).replace("'", "")


def _rows(name: str) -> list[list[str]]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return rows[1:]  # the first row names the columns


@cache
def syllables() -> Syllables:
    """The Wade-Giles / pinyin table, read once."""
    wade_giles: dict[str, str] = {}
    other: dict[str, str] = {}
    careful: dict[str, list[str]] = defaultdict(list)
    bare: dict[str, list[str]] = defaultdict(list)
    typed: dict[str, list[str]] = defaultdict(list)
    for row in _rows("wade_giles_pinyin.tsv"):
        pinyin, main = row[0], row[1]
        others = [f for f in row[2].split(",") if f] if len(row) > 2 else []
        wade_giles[pinyin] = main.replace("ê", "e")
        if others and others[0].replace("ê", "e") != wade_giles[pinyin]:
            other[pinyin] = others[0].replace("ê", "e")
        for form in (main, *others):
            careful[strip_marks(form)].append(pinyin)
            bare[plain(form)].append(pinyin)
        typed[pinyin].append(pinyin)
        typed[pinyin.replace("ü", "v")].append(pinyin)
    # "lue"/"nue" can only mean lüe/nüe; "lu"/"nu" stay lu/nu (the ü of 吕 is typed "lv")
    for pinyin in [p for p in wade_giles if "ü" in p]:
        typed.setdefault(strip_marks(pinyin), [pinyin])
    return Syllables(wade_giles, other, _frozen(careful), _frozen(bare), _frozen(typed))


def _frozen(table: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(dict.fromkeys(values)) for key, values in table.items()}


def read_wade_giles(syllable: str, careful: bool) -> tuple[str, ...]:
    """The pinyin syllables a Wade-Giles syllable may stand for (none when it is not one)."""
    key = strip_marks(syllable.lower().translate(APOSTROPHES))
    table = syllables()
    return table.careful.get(key, ()) if careful else table.plain.get(key.replace("'", ""), ())


def read_pinyin(syllable: str) -> tuple[str, ...]:
    """The pinyin syllable as typed, with ü restored where "lu"/"lv" may mean lü."""
    return syllables().pinyin.get(syllable.lower(), ())


def wade_giles(pinyin: str) -> str:
    """The Wade-Giles form of a pinyin syllable, with apostrophe and umlaut ("qi" -> "ch'i")."""
    return syllables().wade_giles[pinyin]


def other_wade_giles(pinyin: str) -> str:
    """Another Wade-Giles form in print ("yi" -> "yi" beside "i"), else the usual one."""
    table = syllables()
    return table.other.get(pinyin, table.wade_giles[pinyin])


def split_joined(word: str, reader: ReadSyllable, most: int = 2) -> list[tuple[str, ...]]:
    """Every way to cut a joined given name into at most ``most`` syllables ("Enlai" -> en+lai),
    each as the spellings of its parts; a pinyin apostrophe marks a cut ("Xi'an")."""
    if "'" in word and reader.system == "pinyin":
        parts = tuple(word.split("'"))
        return [parts] if len(parts) <= most and all(reader(p) for p in parts) else []
    if reader(word):
        return [(word,)]
    if most < 2:
        return []
    return [(word[:i], word[i:]) for i in range(1, len(word))
            if reader(word[:i]) and reader(word[i:])]


class ReadSyllable:
    """A reader of one romanisation: syllable as printed -> its pinyin readings."""

    def __init__(self, system: str, careful: bool = False) -> None:
        self.system, self.careful = system, careful

    def __call__(self, syllable: str) -> tuple[str, ...]:
        if self.system == "pinyin":
            return read_pinyin(syllable)
        return read_wade_giles(syllable, self.careful)


@dataclass(frozen=True)
class Surnames:
    """Surnames by their pinyin, and the reading of a surname written in characters."""

    pinyin: frozenset[str]
    by_character: dict[str, str]  # 曾 -> zeng, 欧阳 -> ouyang (simplified and traditional)
    characters: dict[str, tuple[str, str]]  # 蒋 or 蔣 -> (蒋, 蔣)


@cache
def surnames() -> Surnames:
    """The surname list, read once."""
    rows = _rows("chinese_surnames.tsv")
    by_character = {chars: row[2] for row in rows for chars in row[:2]}
    characters = {chars: (row[0], row[1]) for row in rows for chars in row[:2]}
    return Surnames(frozenset(row[2] for row in rows), by_character, characters)
