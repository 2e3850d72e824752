"""Other spellings of a Chinese name: pinyin, Wade-Giles as archives print it, characters.

A reader types Zhou Enlai or 周恩来; FRUS prints Chou En-lai, and Liu Shao-chi with the
Wade-Giles apostrophes dropped. ``chinese_variants`` gives every other spelling of a name
that ``looks_chinese``: pinyin (from the syllable table, or from characters by pypinyin),
Wade-Giles with apostrophes, as FRUS prints it, and joined as Peking's own English
publications printed it ("Mao Tsetung"), and the other character set (OpenCC).

Apostrophe-less Wade-Giles is ambiguous ("chi" is ji or qi): every reading whose surname is a
Chinese surname is kept, each as its own variant. Latin to characters needs a dictionary of
people, which is the gazetteer's job, not this module's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import product
from typing import TYPE_CHECKING

from chancery.domain.authorities import NameVariant, VariantSource, fold
from chancery.enrich.chinese_syllables import (
    APOSTROPHES,
    ReadSyllable,
    other_wade_giles,
    plain,
    read_pinyin,
    split_joined,
    surnames,
    wade_giles,
)

if TYPE_CHECKING:
    from opencc import OpenCC

# (surname syllables, given-name syllables), in pinyin: (("zhou",), ("en", "lai"))
Reading = tuple[tuple[str, ...], tuple[str, ...]]

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Office text that places a person in China (FRUS lists of persons: "Premier of the People's
# Republic of China", "Executive Yuan", "GRC") or elsewhere in East Asia, where the same
# syllables spell Korean or Vietnamese names ("Song Yo-chan", Prime Minister of Korea).
_CHINA = re.compile(r"\b(?:chin(?:a|ese)|peking|peiping|beijing|taipei|taiwan\w*|formosa\w*|"
                    r"prc|grc|roc|ccp|cpc|kmt|kuomintang|chicom\w*|chinat\w*|hong kong|"
                    r"maca[ou]|yuan|sino)\b", re.I)
_ELSEWHERE = re.compile(r"\b(?:korea\w*|rok\w*|dprk|viet\w*|arvn|gvn|rvn|drv|nlf|japan\w*|"
                        r"burm\w*|lao\w*|"
                        r"cambodia\w*|khmer|thai\w*|indonesia\w*|philippin\w*|filipino|"
                        r"malay\w*|mongolia\w*)\b", re.I)
_TITLES = frozenset({"general", "generalissimo", "marshal", "lieutenant", "lt", "major",
                     "colonel", "admiral", "vice", "rear", "madame", "mme", "mr", "mrs", "dr",
                     "ret", "premier", "president", "chairman", "minister", "ambassador"})
_WORD = re.compile(r"^[A-Za-zÜüÊê'-]+$")
# Spellings only Wade-Giles has: an aspiration mark, hs-, tz-, ts-, -ih, -ieh, -ien, -ung.
_WADE_GILES_MARK = re.compile(r"'|^hs|^tz|^ts|ih$|ieh$|ien$|ung$|ü")
# Names best known in a non-Mandarin form that no syllable table reaches (Cantonese
# "Kai-shek" is 介石, Jieshi), as Wikipedia's articles on them give the pinyin.
_KNOWN_FORMS: dict[str, Reading] = {
    "Chiang Kai-shek": (("jiang",), ("jie", "shi")),
    "Sun Yat-sen": (("sun",), ("yi", "xian")),
}
_KNOWN_KEYS = {plain(form).lower(): reading for form, reading in _KNOWN_FORMS.items()}


@dataclass(frozen=True)
class _Parse:
    readings: tuple[Reading, ...]
    typical: bool  # shaped as Chinese names are printed: "Chou En-lai", "Zhou Enlai", "Hu Shih"


def looks_chinese(name: str, description: str = "") -> bool:
    """Whether a name is plausibly a Chinese personal name, read with its office text."""
    context = _context(description)
    if _HAN.search(name):
        return context != "other" and _han_name(name) is not None
    return any(_accepted(_parse_latin(part), context) for part in _parts(name))


def chinese_variants(name: str, description: str = "") -> list[NameVariant]:
    """Every other spelling of a plausibly Chinese name (never the name itself)."""
    found: dict[str, NameVariant] = {}
    if _HAN.search(name):
        if looks_chinese(name, description):
            found = _character_variants(name)
    else:
        context = _context(description)
        for part in _parts(name):
            parse = _parse_latin(part)
            if parse is not None and _accepted(parse, context):
                for reading in parse.readings:
                    _add_forms(found, reading, "pinyin")
    own = fold(name)
    return [v for v in found.values() if v.name != name and fold(v.name) != own]


def _context(description: str) -> str:
    """"zh" when the office text first names China, "other" when another country, else ""."""
    china, elsewhere = _CHINA.search(description), _ELSEWHERE.search(description)
    if china and (elsewhere is None or china.start() < elsewhere.start()):
        return "zh"
    return "other" if elsewhere else ""


def _accepted(parse: _Parse | None, context: str) -> bool:
    # With no office text to go by, only the shape FRUS prints Chinese names in will do:
    # "Sun Lin" or "Ma Pan" may be anyone's name, "Chou En-lai" is not.
    if parse is None or context == "other":
        return False
    return context == "zh" or parse.typical


def _parts(name: str) -> list[str]:
    """The names a list entry carries: "Chou En-lai (Zhou Enlai)" gives both, bare."""
    text = name.translate(APOSTROPHES)
    inner = [p for group in re.findall(r"\(([^()]*)\)", text) for p in group.split(";")]
    outer = re.sub(r"\([^()]*\)", " ", text)
    return [c for c in map(_clean, [outer, *inner]) if c]


def _clean(part: str) -> str:
    # "Chiang Kai-shek, Generalissimo" drops the title; inverted "Chou, En-lai" is re-joined.
    pieces = [p for p in part.split(",") if any(_word(w) not in _TITLES for w in p.split())]
    return " ".join(w for w in " ".join(pieces).split() if _word(w) not in _TITLES)


def _word(word: str) -> str:
    return word.strip(".").lower()


def _parse_latin(name: str) -> _Parse | None:
    words = name.split()
    if not 1 <= len(words) <= 3 or not all(_WORD.match(w) for w in words):
        return None
    known = _KNOWN_KEYS.get(plain(name).lower())
    if known is not None:
        return _Parse((known,), True)
    found = [p for p in (_read_name(words, "wade-giles"), _read_name(words, "pinyin")) if p]
    if not found:
        return None
    readings = tuple(dict.fromkeys(r for p in found for r in p.readings))
    return _Parse(readings, any(p.typical for p in found))


def _read_name(words: list[str], system: str) -> _Parse | None:
    """The readings of a name in one romanisation whose surname is a Chinese surname."""
    if system == "pinyin" and any("-" in w for w in words):
        return None  # pinyin joins a given name; the hyphen is Wade-Giles
    reader = ReadSyllable(system, careful="'" in "".join(words))
    known = surnames().pinyin
    family = [s for s in _read_cuts(_cuts(words[0], reader), reader) if "".join(s) in known]
    if not family:
        return None
    cuts = _given_cuts(words[1:], reader)
    given = _read_cuts(cuts, reader)
    if not given:
        return None
    return _Parse(tuple(product(family, given)), _is_typical(words, cuts, system))


def _is_typical(words: list[str], cuts: list[list[str]], system: str) -> bool:
    """Surname and a two-syllable given name ("Chou En-lai", "Zhou Enlai"), or a spelling
    only Wade-Giles has ("Hu Shih"); a lone surname never is."""
    if len(words) < 2:
        return False
    if any(len(cut) == 2 for cut in cuts) and len(words) == 2:
        return True
    parts = re.split(r"[\s-]", " ".join(words).lower())
    return system == "wade-giles" and any(_WADE_GILES_MARK.search(p) for p in parts)


def _cuts(word: str, reader: ReadSyllable) -> list[list[str]]:
    """The ways to cut one printed word into syllables ("Ou-yang", "Ouyang", "Enlai")."""
    if "-" in word:
        return [word.split("-")]
    return [list(cut) for cut in split_joined(word, reader)]


def _given_cuts(words: list[str], reader: ReadSyllable) -> list[list[str]]:
    if not words:
        return [[]]
    if len(words) == 2:  # "Yu Ta Wei"
        return [words] if not any("-" in w for w in words) else []
    return [cut for cut in _cuts(words[0], reader) if len(cut) <= 2]


def _read_cuts(cuts: list[list[str]], reader: ReadSyllable) -> list[tuple[str, ...]]:
    """Every pinyin reading of every cut, in order, without repeats."""
    found = (combo for cut in cuts for combo in product(*(reader(p) for p in cut)))
    return list(dict.fromkeys(found))


def _add_forms(found: dict[str, NameVariant], reading: Reading, pinyin_scheme: str) -> None:
    """The pinyin and Wade-Giles spellings of one reading, added where new."""
    family, given = reading
    wade = _name("-".join(map(wade_giles, family)), "-".join(map(wade_giles, given)))
    other = _name("-".join(map(other_wade_giles, family)), "-".join(map(other_wade_giles, given)))
    forms = [(_name(_join_pinyin(family), _join_pinyin(given)), "zh-Latn-pinyin", pinyin_scheme),
             (wade, "zh-Latn-wadegile", "wade-giles"),
             (plain(wade), "zh-Latn-wadegile", "wade-giles-plain"),
             (plain(wade).replace("-", ""), "zh-Latn-wadegile", "wade-giles-joined"),
             (other, "zh-Latn-wadegile", "wade-giles"),
             (plain(other), "zh-Latn-wadegile", "wade-giles-plain")]
    forms += [(form, "zh-Latn", "customary") for form, known in _KNOWN_FORMS.items()
              if known == reading]
    for form, language, scheme in forms:
        found.setdefault(form, NameVariant(form, VariantSource.GENERATED, language, scheme))


def _name(family: str, given: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in (family, given) if w)


def _join_pinyin(syllables: tuple[str, ...]) -> str:
    # A syllable starting with a vowel after another takes an apostrophe (Xi'an, not Xian).
    return "".join(("'" + s if i and s[0] in "aoe" else s) for i, s in enumerate(syllables))


def _character_variants(name: str) -> dict[str, NameVariant]:
    """Pinyin and Wade-Giles of a name in characters, and its other character set."""
    chars = _han_name(name) or ""
    found: dict[str, NameVariant] = {}
    reading = _read_characters(chars)
    if reading is not None:
        _add_forms(found, reading, "pypinyin")
    for form, language, scheme in _other_script(chars):
        found.setdefault(form, NameVariant(form, VariantSource.GENERATED, language, scheme))
    return found


def _han_name(name: str) -> str | None:
    """The name's characters when it is two to four Han characters and nothing else (kana
    makes it Japanese; the office text tells a Japanese or Korean name in kanji or hanja)."""
    chars = "".join(name.split())
    return chars if 2 <= len(chars) <= 4 and all(_HAN.match(c) for c in chars) else None


def _surname_length(chars: str) -> int:
    return 2 if len(chars) > 2 and chars[:2] in surnames().by_character else 1


def _read_characters(chars: str) -> Reading | None:
    # pypinyin (imported here: 0.3 s) reads 曾 as ceng and 单 as dan; the surname list
    # gives the reading a surname takes.
    from pypinyin import Style, lazy_pinyin

    cut = _surname_length(chars)
    listed = surnames().by_character.get(chars[:cut])
    family = (split_joined(listed, ReadSyllable("pinyin"))[0] if listed
              else tuple(lazy_pinyin(chars[:cut], style=Style.NORMAL, v_to_u=True)))
    given = tuple(lazy_pinyin(chars[cut:], style=Style.NORMAL, v_to_u=True))
    if not all(read_pinyin(s) for s in family + given):
        return None
    return family, given


def _other_script(chars: str) -> list[tuple[str, str, str]]:
    """The name in the other character set; the surname from the list (OpenCC turns the
    surname 于 into the preposition 於)."""
    cut = _surname_length(chars)
    family, given = chars[:cut], chars[cut:]
    rows = surnames().characters.get(family)
    out = []
    for config, language, index in (("s2t", "zh-Hant", 1), ("t2s", "zh-Hans", 0)):
        head = rows[index] if rows else _opencc(config).convert(family)
        form = head + _opencc(config).convert(given)
        if form != chars:
            out.append((form, language, f"opencc-{config}"))
    return out


@cache
def _opencc(config: str) -> OpenCC:
    import opencc

    return opencc.OpenCC(f"{config}.json")
