"""Identifiers of an authority record in other authority files (Wikidata, VIAF, GND, Library
of Congress): their shapes, read from what an editor pastes (an id or its web address), and
the URI each stands for, so harvesters and linked-data tools can join records."""

from __future__ import annotations

import re
from enum import StrEnum


class Scheme(StrEnum):
    """An authority file an identifier belongs to."""

    WIKIDATA = "wikidata"  # an item: Q1000
    VIAF = "viaf"  # a cluster: 9847974
    GND = "gnd"  # Gemeinsame Normdatei: 118540238, 4005728-8
    LC = "lc"  # Library of Congress names or subjects: n79021164, sh85027004


LABELS = {Scheme.WIKIDATA: "Wikidata", Scheme.VIAF: "VIAF", Scheme.GND: "GND",
          Scheme.LC: "Library of Congress"}
EXAMPLES = {Scheme.WIKIDATA: "Q1000", Scheme.VIAF: "9847974", Scheme.GND: "118540238",
            Scheme.LC: "n79021164"}

# The shapes the files themselves give (the format constraints Wikidata keeps for P214, P227,
# P244), anchored: anything else is a typing slip, and a wrong id links a person to a stranger.
_SHAPES = {
    Scheme.WIKIDATA: re.compile(r"Q[1-9]\d{0,11}"),
    Scheme.VIAF: re.compile(r"[1-9]\d{1,21}"),
    Scheme.GND: re.compile(r"1[012]?\d{7}[0-9X]|[47]\d{6}-\d|[1-9]\d{0,7}-[0-9X]|3\d{7}[0-9X]"),
    Scheme.LC: re.compile(r"(?:gf|n|nb|nr|no|ns|sh|sj|sn|sp)(?:\d{2}|\d{4})\d{6}"),
}
_LC_FOLDERS = {"sh": "subjects", "sj": "childrensSubjects", "sp": "subjects", "gf": "genreForms"}
_SUFFIX = re.compile(r"\.(?:html?|json|jsonld|rdf|xml|nt|ttl)$")


class IdentifierError(ValueError):
    """An identifier that does not have its file's shape; the message says what was expected."""


def read_identifier(scheme: Scheme, typed: str) -> str:
    """The identifier in its file's own form, from the id or an address of it
    ("https://www.wikidata.org/wiki/Q1000" -> "Q1000"); IdentifierError otherwise."""
    value = typed.strip()
    if "/" in value:  # an address: the id is its last part (d-nb.info/gnd/…, viaf.org/viaf/…/)
        value = _SUFFIX.sub("", value.split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1])
    if scheme is Scheme.WIKIDATA:
        value = value.upper()
    elif scheme is Scheme.GND:
        value = value.upper().replace("x", "X")
    elif scheme is Scheme.LC:
        value = value.lower().replace(" ", "")
    if not _SHAPES[scheme].fullmatch(value):
        raise IdentifierError(f"{LABELS[scheme]} identifiers look like {EXAMPLES[scheme]}: "
                              f"{typed.strip()[:80]!r} is not one")
    return value


def read_identifiers(scheme: Scheme, typed: str) -> list[str]:
    """Every identifier in a field (separated by spaces, commas or new lines), without
    repeats; IdentifierError names the first that is not one."""
    values = [v for v in re.split(r"[\s,;]+", typed) if v]
    return list(dict.fromkeys(read_identifier(scheme, v) for v in values))


def identifier_uri(scheme: Scheme, value: str) -> str:
    """The URI the identifier stands for (the one each file gives as its own)."""
    if scheme is Scheme.WIKIDATA:
        return f"http://www.wikidata.org/entity/{value}"
    if scheme is Scheme.VIAF:
        return f"http://viaf.org/viaf/{value}"
    if scheme is Scheme.GND:
        return f"https://d-nb.info/gnd/{value}"
    prefix = re.match(r"[a-z]+", value)
    folder = _LC_FOLDERS.get(prefix.group(0) if prefix else "", "names")
    return f"http://id.loc.gov/authorities/{folder}/{value}"


def known(identifiers: tuple[tuple[str, str], ...]) -> list[tuple[Scheme, str]]:
    """A record's identifiers in scheme order (unknown schemes, which no version of Chancery
    writes, are left out)."""
    schemes = list(Scheme)
    found = [(Scheme(s), v) for s, v in identifiers if s in {x.value for x in schemes}]
    return sorted(found, key=lambda p: schemes.index(p[0]))


def same_as(identifiers: tuple[tuple[str, str], ...]) -> list[str]:
    """The URIs of a record's identifiers in other files, in scheme order."""
    return [identifier_uri(s, v) for s, v in known(identifiers)]


def links(identifiers: tuple[tuple[str, str], ...]) -> list[tuple[str, str, str]]:
    """(file's name, identifier, URI) of each, for a page to link."""
    return [(LABELS[s], v, identifier_uri(s, v)) for s, v in known(identifiers)]
