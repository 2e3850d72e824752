"""Linking the names a document prints to the archive's authority records: by spelling (the
record's preferred name), by a variant it carries, or by sound (the surname's phonetic key);
unmatched names are proposed as new records. Also: one entry per person, organization or
place a document names, however many ways it prints it ("Khrushchev", "Mr. Khrushchev",
"Khrushchev's", "Nikita Khrushchev").

The archive is asked through a `KnownNames` callable, so this module needs no storage:
``known_names(folded, phonetic)`` returns the authority records with a name that is the folded
name, or begins or ends with it as whole words, or whose phonetic key is ``phonetic`` (when
not ""); each as an `Authority` with ``key``, ``kind``, the preferred ``name`` and every other
name in ``variants``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from chancery.domain.authorities import Authority, AuthorityKind, fold, name_tokens
from chancery.enrich.names import has_cyrillic, phonetic_key, romanisations
from chancery.suggest.context import KnownNames


def _words(text: str) -> frozenset[str]:
    """The words of a list written as text."""
    return frozenset(text.split())



class Way(StrEnum):
    """How a name was linked to an authority record."""

    SPELLING = "spelling"  # the record's preferred name, folded (case and accents aside)
    VARIANT = "variant"  # another name the record carries (a romanisation, an original script)
    SOUND = "sound"  # only the surname's phonetic key and a close spelling agree
    AMBIGUOUS = "ambiguous"  # as good a match for several records: the editor chooses
    NEW = "new"  # no record: proposed as a new one


# How sure a link is, by the way it was made. A spelling can still name a namesake; a sound
# match also takes a close spelling (ratio >= _CLOSE), but OCR and transliteration make
# different people sound alike often enough to leave it to the editor.
WAY_CONFIDENCE = {Way.SPELLING: 0.95, Way.VARIANT: 0.9, Way.SOUND: 0.7}
_CLOSE = 0.75
# Sound is asked only for surnames this long: shorter ones sound like too many others.
_MIN_SOUND = 5

# Words before a name that say who the person is, not what they are called.
_TITLES = _words("""mr mrs miss ms dr prof professor sir lord lady general gen col colonel
major maj capt captain lt lieutenant sgt admiral adm ambassador amb secretary president
premier chairman minister senator sen governor gov judge justice father rev reverend comrade
deputy vice prime foreign under assistant acting chancellor consul marshal king queen prince
herr frau monsieur madame mme товарищ господин""")
# Titles that make the next name a person's whatever the recogniser said ("Secretary Dulles"
# tagged as a place, "Mr. Macmillan" as an organization); not "General" (General Motors).
PERSONAL_TITLES = _words("""mr mrs miss ms dr secretary president ambassador amb chairman
premier senator chancellor minister governor admiral colonel col marshal comrade herr frau
monsieur madame mme господин товарищ""")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_EDGES = " ,;:-\"'“”‘’()[]"
_SENTENCE_END = re.compile(r"[^\W\d_]{3,}\.$")


@dataclass(frozen=True)
class Linked:
    """What a name was linked to: the record's key and preferred name, or none ("")."""

    key: str
    name: str
    kind: AuthorityKind | None
    way: Way
    confidence: float  # of the link itself; 0 for a new or ambiguous name
    candidates: tuple[str, ...] = ()  # keys of equally good records when ambiguous


NEW = Linked("", "", None, Way.NEW, 0.0)


def clean_name(text: str, person: bool = True) -> str:
    """A printed name without leading article, possessive ending and (a person's) titles, on
    one line: "Mr. Khrushchev's" -> "Khrushchev", "the State Department" -> "State
    Department"; "General Motors" keeps its "General" when it is not a person."""
    words = " ".join(text.split()).strip(_EDGES).split(" ")
    leading = _TITLES | {"the"} if person else {"the"}
    while len(words) > 1 and fold(words[0]) in leading:
        words = words[1:]
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1]) if len(words[-1]) > 3 else words[-1]
    name = " ".join(words).strip(_EDGES)
    # a full stop ends the sentence, not the name, unless it ends an initial ("M.G.", "U.S.")
    return name[:-1] if _SENTENCE_END.search(name) else name


def _surname(tokens: tuple[str, ...]) -> str:
    return tokens[-1] if tokens else ""


def _agree(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b[:1] == a) or (len(b) == 1 and a[:1] == b)


def _given_agree(mine: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """The first given name printed is the record's first ("Sergei" is not "Nikita S."),
    and each further one agrees, in order, with one the record has."""
    if not mine:
        return True
    if not theirs or not _agree(mine[0], theirs[0]):
        return False
    rest = list(theirs[1:])
    for t in mine[1:]:
        hit = next((i for i, o in enumerate(rest) if _agree(t, o)), None)
        if hit is None:
            return False
        rest = rest[hit + 1:]
    return True


def closeness(printed: str, name: str, kind: AuthorityKind) -> int:
    """2: the same name; 1: a person's surname alone, or with given names that agree;
    0: not this name."""
    mine, theirs = name_tokens(printed), name_tokens(name)
    if not mine or not theirs:
        return 0
    if mine == theirs:
        return 2
    if kind is not AuthorityKind.PERSON or _surname(mine) != _surname(theirs):
        return 0
    return 1 if _given_agree(mine[:-1], theirs[:-1]) else 0


def sounds_like(printed: str, name: str) -> bool:
    """Same phonetic key of the surname, a close spelling of it (Khruschev, Khrushchev) and
    given names that agree."""
    key = phonetic_key(printed)
    if not key or key != phonetic_key(name):
        return False
    mine, theirs = name_tokens(printed), name_tokens(name)
    return (SequenceMatcher(None, mine[-1], theirs[-1]).ratio() >= _CLOSE
            and _given_agree(mine[:-1], theirs[:-1]))


def _rank(printed: str, a: Authority, sound: bool) -> tuple[int, Way]:
    """The best way one record names the printed name: (score, way); score 0 is no match."""
    best = (closeness(printed, a.name, a.kind), Way.SPELLING)
    for other in a.all_names()[1:]:
        score = closeness(printed, other, a.kind)
        if score > best[0]:
            best = (score, Way.VARIANT)
    if best[0] == 0:
        return (1, Way.SOUND) if sound and any(sounds_like(printed, n)
                                               for n in a.all_names()) else (0, Way.NEW)
    # a spelling outranks a variant at the same score
    return best[0] * 2 + (best[1] is Way.SPELLING), best[1]


def _choose(printed: str, kind: AuthorityKind, found: Sequence[Authority],
            sound: bool) -> Linked:
    scored = [(_rank(printed, a, sound), a) for a in found]
    # a record of another kind only on its whole name: the catalogue is curated, the
    # recogniser's label is a guess ("Nosenko" tagged as an organization)
    scored = [((s, w), a) for (s, w), a in scored
              if s and (a.kind is kind or (s >= 4 and w is not Way.SOUND))]
    if not scored:
        return NEW
    top = max(s for (s, _), _ in scored)
    same_kind = [x for x in scored if x[0][0] == top and x[1].kind is kind]
    best = same_kind or [x for x in scored if x[0][0] == top]
    keys = tuple(dict.fromkeys(a.key for _, a in best))
    if len(keys) > 1:
        return Linked("", "", kind, Way.AMBIGUOUS, 0.0, keys)
    (_, way), a = best[0]
    return Linked(a.key, a.name, a.kind, way, WAY_CONFIDENCE[way])


def link(printed: str, kind: AuthorityKind, known: KnownNames | None,
         sound: bool = True) -> Linked:
    """The authority record a printed name (cleaned) names, and how; `NEW` when none does.
    ``sound`` False asks for spellings and variants only (names found by rule, not by NER)."""
    folded = fold(printed)
    if known is None or len(folded) < 2:
        return NEW
    use_sound = sound and len(_surname(name_tokens(printed))) >= _MIN_SOUND
    found = known(folded, phonetic_key(printed) if use_sound else "")
    chosen = _choose(printed, kind, found, use_sound)
    if chosen.way is Way.NEW and has_cyrillic(printed):
        return _link_romanised(printed, kind, known, use_sound)
    return chosen


def _link_romanised(printed: str, kind: AuthorityKind, known: KnownNames,
                    sound: bool) -> Linked:
    """A Cyrillic name the records carry only in Latin letters: through its romanisations,
    each a variant at best (Хрущёв -> Khrushchev, Chruschtschow, ...); by sound only through
    the first (BGN/PCGN, the one English-language files print)."""
    forms = [v.name for v in romanisations(printed)]
    for i, form in enumerate(forms):
        by_sound = sound and i == 0
        chosen = _choose(form, kind, known(fold(form), phonetic_key(form) if by_sound else ""),
                         by_sound)
        if chosen.way is Way.SPELLING:
            return Linked(chosen.key, chosen.name, chosen.kind, Way.VARIANT,
                          WAY_CONFIDENCE[Way.VARIANT])
        if chosen.way is not Way.NEW:
            return chosen
    return NEW
