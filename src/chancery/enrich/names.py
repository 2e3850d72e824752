"""Name variants a reader may type, and a phonetic key that finds the ones nobody listed.

Cyrillic names are romanised by the transliteration systems readers meet in print (via the
`iuliia` library: BGN/PCGN, Library of Congress, scholarly, ICAO passports, Wikipedia, ...),
plus the German Duden spelling ("Chruschtschow") that East German files use, which iuliia
lacks. The phonetic key is the surname's consonant skeleton (domain/spellings.py `sound_key`),
which replaced jellyfish's Match Rating codex: that codex gave Krushchev another key than
Khrushchev (it keeps the "h" of "kh" as a letter)."""

from __future__ import annotations

import re

import iuliia

from chancery.domain.authorities import Authority, AuthorityKind, NameVariant, VariantSource
from chancery.domain.spellings import is_title, sound_key
from chancery.enrich.chinese import chinese_variants

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_SCHEMES = {
    "bgn-pcgn": iuliia.BGN_PCGN, "ala-lc": iuliia.ALA_LC, "scientific": iuliia.SCIENTIFIC,
    "iso9": iuliia.ISO_9_1968, "icao": iuliia.ICAO_DOC_9303, "wikipedia": iuliia.WIKIPEDIA,
    "mosmetro": iuliia.MOSMETRO, "telegram": iuliia.TELEGRAM,
}
# Duden transliteration for German texts; longest sequences first.
_DUDEN = [("щ", "schtsch"), ("ш", "sch"), ("ч", "tsch"), ("ж", "sch"), ("х", "ch"), ("ц", "z"),
          ("ё", "jo"), ("ю", "ju"), ("я", "ja"), ("й", "i"), ("ы", "y"), ("э", "e"), ("ъ", ""),
          ("ь", ""), ("в", "w"), ("з", "s"), ("с", "s"), ("е", "e"),
          ("а", "a"), ("б", "b"), ("г", "g"), ("д", "d"), ("и", "i"), ("к", "k"), ("л", "l"),
          ("м", "m"), ("н", "n"), ("о", "o"), ("п", "p"), ("р", "r"), ("т", "t"), ("у", "u"),
          ("ф", "f")]
# Final "-ёв" is commonly printed "-ow" in German ("Chruschtschow", "Gorbatschow").
_DUDEN_ENDINGS = [("ёв", "ow"), ("ев", "ew"), ("ов", "ow")]


def has_cyrillic(text: str) -> bool:
    """Whether the text contains Cyrillic letters."""
    return bool(_CYRILLIC.search(text))


def _duden(word: str) -> str:
    lowered = word.lower()
    tail = ""
    for ending, repl in _DUDEN_ENDINGS:
        if lowered.endswith(ending):
            lowered, tail = lowered[: -len(ending)], repl
            break
    out = lowered
    for cyr, lat in _DUDEN:
        out = out.replace(cyr, lat)
    out += tail
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


def _duden_name(name: str) -> str:
    return re.sub(r"[\u0400-\u04FF]+", lambda m: _duden(m.group(0)), name)


def romanisations(name: str) -> list[NameVariant]:
    """The romanisations of a Cyrillic name a reader may type (with and without ё)."""
    if not has_cyrillic(name):
        return []
    forms: dict[str, str] = {}
    sources = [name] + ([name.replace("ё", "е").replace("Ё", "Е")] if "ё" in name.lower() else [])
    for source in sources:
        for scheme, schema in _SCHEMES.items():
            forms.setdefault(schema.translate(source), scheme)
    forms.setdefault(_duden_name(name), "duden")
    # "Khrushchёv" (BGN with a bare ё) is not something anyone types: fold those to "o"/"e".
    cleaned: dict[str, str] = {}
    for form, scheme in forms.items():
        for variant in {form.replace("ё", "o").replace("Ё", "O"), form.replace("ё", "e")}:
            cleaned.setdefault(variant, scheme)
    return [NameVariant(f, VariantSource.GENERATED, "ru-Latn", s) for f, s in cleaned.items()
            if f != name]


def phonetic_key(name: str) -> str:
    """A sound-alike key of the surname: Khrushchev, Krushchev, Khruschev, Khrushchov and
    Chruschtschow share one. Stored in authority_names.phonetic (migration 0024 re-keys)."""
    return sound_key(name)


def _russian(name: str, description: str) -> list[NameVariant]:
    """A Soviet person listed in Latin script: the Cyrillic form (enrich/cyrillic.py) and
    that form's other romanisations (Khrushchev -> Хрущёв -> Chruschtschow). Only with an
    office text that says Soviet: a surname ending in -in or -ov alone (Martin, Rostov) is no
    reason to write it in Cyrillic."""
    from chancery.enrich.cyrillic import cyrillic_forms  # it reads this module's schemes

    if not description or has_cyrillic(name):
        return []
    if any(is_title(w) for w in re.findall(r"[^\W\d_]+", name)):
        # "Shilov, Major A.S." would give "Шилов, Маёр А.С." and "Mayor": the surname only
        forms = [f for f in cyrillic_forms(name, description) if " " not in f.name]
    else:
        forms = cyrillic_forms(name, description)
    return forms + [r for f in forms if " " not in f.name for r in romanisations(f.name)]


def with_generated_variants(authority: Authority) -> Authority:
    """The authority with romanisations of every Cyrillic name it carries, and a Chinese
    person's other spellings (pinyin, Wade-Giles, characters: enrich/chinese.py)."""
    extra: list[NameVariant] = []
    # from the names sources and editors gave, never from generated ones: a spelling of a
    # spelling drifts, and generating again would not give back the same record
    given = [authority.name] + [v.name for v in authority.variants
                                if v.source not in (VariantSource.GENERATED, VariantSource.HELD_BACK)]
    for name in dict.fromkeys(given):
        extra += romanisations(name)
    if authority.kind is AuthorityKind.PERSON:
        # from the record's own name only: the names a later volume tags ("N. Khrushchev")
        # are added without generating, so only this gives the same record when an export
        # is imported fresh (tests/integration/test_export_roundtrip.py)
        extra += chinese_variants(authority.name, authority.description)
        extra += _russian(authority.name, authority.description)
    have = set(authority.all_names())
    new = tuple(v for v in extra if v.name not in have)
    if not new:
        return authority
    unique = tuple({v.name: v for v in new}.values())
    return Authority(authority.kind, authority.name, authority.ref, authority.key,
                     authority.description, authority.variants + unique, authority.source_ids)
