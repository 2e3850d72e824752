"""Authority records: people, organizations, places and subjects, each with name variants."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from functools import lru_cache


class AuthorityKind(StrEnum):
    """What an authority record names."""

    PERSON = "person"
    ORGANIZATION = "organization"
    PLACE = "place"
    SUBJECT = "subject"


class VariantSource(StrEnum):
    """Where a name variant comes from, so an editor can tell evidence from generated help."""

    SOURCE = "source"  # printed in a document or its source's list of persons
    EDITOR = "editor"  # entered by an archivist
    ORIGINAL_SCRIPT = "original-script"  # the name in its own script (Хрущёв, 赫鲁晓夫)
    GENERATED = "generated"  # a romanisation a reader may type, made by a transliteration system
    # printed where a source tags this person, but not plausibly their name ("Stalin" tagged
    # as Khrushchev): kept as evidence of the tagging, never searched, matched or shown
    HELD_BACK = "held-back"


@dataclass(frozen=True)
class NameVariant:
    """One spelling of an authority's name."""

    name: str
    source: VariantSource = VariantSource.SOURCE
    language: str = ""  # BCP 47 tag when known ("ru", "zh", "de-Latn")
    scheme: str = ""  # the transliteration system that made a generated variant


@dataclass(frozen=True)
class Authority:
    """A person, organization, place or subject, shared by every document that names it.

    ``ref`` identifies the record inside one import batch (a FRUS list-of-persons id such as
    ``frus1958-60v19#p_HCA1``, or a bundle's own key); ``key`` is the archive-wide slug that
    storage assigns once the record is matched or created."""

    kind: AuthorityKind
    name: str  # preferred form: "Herter, Christian A."
    ref: str = ""
    key: str = ""
    description: str = ""  # office or role as the source gives it
    variants: tuple[NameVariant, ...] = field(default_factory=tuple)
    source_ids: tuple[str, ...] = field(default_factory=tuple)

    def all_names(self) -> list[str]:
        """The preferred name followed by every distinct variant that names the record
        (held-back spellings are evidence, not names)."""
        seen: dict[str, None] = {self.name: None}
        for v in self.variants:
            if v.source is not VariantSource.HELD_BACK:
                seen.setdefault(v.name, None)
        return list(seen)


class Role(StrEnum):
    """How a document relates to an authority record."""

    AUTHOR = "author"
    RECIPIENT = "recipient"
    SIGNER = "signer"
    MENTIONED = "mentioned"  # a person or organization named in the text
    ORIGIN = "origin"  # the place a document was written
    PLACE_MENTIONED = "place-mentioned"
    SUBJECT = "subject"
    TRANSLATOR = "translator"


@dataclass(frozen=True)
class Link:
    """A document's tie to an authority record (by the record's batch ``ref``), with role."""

    ref: str
    role: Role
    as_written: str = ""  # the form printed in this document ("N. KHRUSHCHEV")


_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


# Letters that carry their mark in the letter itself, so NFKD leaves them alone (Gomułka).
_UNDECOMPOSED = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i",
                               "þ": "th", "ð": "d", "ħ": "h"})


def fold(text: str) -> str:
    """Case- and diacritic-insensitive form used to compare names ("Hruščëv" -> "hruscev")."""
    # An import folds the same few thousand names hundreds of thousands of times (every
    # persName of a volume, 322,000 calls for the 42 FRUS volumes): names are remembered,
    # longer texts (a whole paragraph) are not, so the memory stays small.
    return _fold_name(text) if len(text) <= _NAME_LENGTH else _fold(text)


_NAME_LENGTH = 120


@lru_cache(maxsize=1 << 16)
def _fold_name(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("ё", "е").replace("й", "и").translate(_UNDECOMPOSED)
    return " ".join(_NON_WORD.sub(" ", stripped).split())


def name_tokens(name: str) -> tuple[str, ...]:
    """Folded name parts in natural order, so "Herter, Christian A." equals "Christian A. Herter"."""
    if "," in name:
        surname, _, given = name.partition(",")
        name = f"{given} {surname}"
    return tuple(fold(name).split())


def slugify(text: str, limit: int = 60) -> str:
    """A readable ASCII slug for keys and URLs ("Herter, Christian A." -> "herter-christian-a")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "-".join(_NON_WORD.sub(" ", ascii_text.lower()).split())
    return slug[:limit].strip("-") or "x"


# Words that say nothing about which person a description means.
_GENERIC = frozenset((
    "of", "the", "and", "for", "in", "on", "to", "from", "at", "until", "after", "before", "with",
    "a", "an", "as", "his", "her", "by", "also", "later", "then", "thereafter", "former", "member",
    "staff", "officer", "office", "department", "assistant", "deputy", "special", "director",
    "chief", "head", "representative", "adviser", "secretary",
))


def distinctive_words(description: str) -> set[str]:
    """Content words of an office description, for telling two namesakes apart."""
    words = set(fold(description).split())
    return {w for w in words if w not in _GENERIC and len(w) > 2 and not w.isdigit()}


def is_same_person(a: Authority, b: Authority) -> bool:
    """Whether two list-of-persons entries (say, from two FRUS volumes) name one person.

    The normalised names must be equal and carry a given name or initial; when both have a
    description, they must share a distinctive word (an office, a country). Anything doubtful
    stays apart: a wrong merge hides a person, a missed one only splits their documents."""
    if a.kind is not b.kind or a.kind is not AuthorityKind.PERSON:
        return False
    ta, tb = name_tokens(a.name), name_tokens(b.name)
    if ta != tb or len(ta) < 2:
        return False
    if a.description and b.description:
        return bool(distinctive_words(a.description) & distinctive_words(b.description))
    return True


def _inverted(name: str) -> tuple[str, list[str]] | None:
    if "," not in name:
        return None
    surname, _, given = name.partition(",")
    return fold(surname), fold(given).split()


def _given_agree(x: str, y: str) -> bool:
    if len(x) == 1 or len(y) == 1:  # an initial stands for a name
        return x[0] == y[0]
    # one transliteration of a patronymic or another: Sergeyevich / Sergeevich
    return x == y or SequenceMatcher(None, x, y).ratio() >= 0.85


def is_fuller_form(a: Authority, b: Authority) -> bool:
    """Whether two people listed under names that differ only in how fully or how they are
    romanised ("Khrushchev, Nikita S." and "Khrushchev, Nikita Sergeyevich") are one person:
    the same surname, given names that agree one by one with at least one written out in both,
    and descriptions that share a distinctive word. Without descriptions it stays doubtful."""
    if a.kind is not b.kind or a.kind is not AuthorityKind.PERSON:
        return False
    na, nb = _inverted(a.name), _inverted(b.name)
    if na is None or nb is None or na[0] != nb[0] or len(na[1]) != len(nb[1]) or not na[1]:
        return False
    pairs = list(zip(na[1], nb[1], strict=True))
    if not all(_given_agree(x, y) for x, y in pairs) or not any(
            len(x) > 1 and len(y) > 1 for x, y in pairs):
        return False
    return bool(a.description and b.description
                and distinctive_words(a.description) & distinctive_words(b.description))
