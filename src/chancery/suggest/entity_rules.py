"""Which names a recogniser found are plausible on a real scan.

On the JFK reference OCR (43 files, 50,641 words) spaCy's small English model reports 2,270
distinct names, most of them stamp and routing words ("SECRET", "DISSEMINATION CONTROLS",
"OBJECTION"), CIA cryptonyms ("PBRUMEN", "RYBAT"), OCR debris ("jFlcridalyy", "Santiago o~",
"Box 2") and the release stamp's "JOHN F. KENNEDY". The rules below were measured there and
on FRUS text (see docs/benchmarks.md), so that what remains is worth an archivist's click."""

from __future__ import annotations

import re
from enum import IntEnum
from functools import cache
from importlib.resources import files

from chancery.domain.authorities import fold
from chancery.domain.suggestions import Kind


def _words(text: str) -> frozenset[str]:
    """The words of a list written as text."""
    return frozenset(text.split())


# Every JFK page carries "2025 RELEASE UNDER THE PRESIDENT JOHN F. KENNEDY ASSASSINATION
# RECORDS ACT OF 1992", which OCR often breaks over several lines with debris between; and
# the NARA identification form is headed "JFK Assassination System". Neither names a person
# of the document. In the stamp KENNEDY comes before ASSASSINATION or RECORDS, in capitals:
# a text's own "the assassination of President Kennedy" does not match.
_STAMP = re.compile(
    r"(?:JOHN\W{1,12})?(?:F\W{1,12})?KENNE(?:DY)?(?:[^A-Za-z]|\b[A-Za-z]{1,3}\b){0,40}?"
    r"(?:ASSASSINATION|RECORDS)"
    r"|\b2025\W+RELEASE\W+UNDER\b"
    r"|\bJFK(?=\W{0,3}(?:Assassination|ASSASSINATION|Act|ACT|\d))")

# Words of stamps, markings, cable and routing headers and forms: a "name" made of these
# alone is not one. From the names spaCy reported on the reference OCR.
_FORM_WORDS = _words("""
secret top confidential restricted unclassified classified classification eyes only noforn
sensitive declassification declassified release released review reviewed records record act
cite dir ref refs info action subject subj dissemination dissem controls control objection
memorandum memo dispatch cable airtel telegram page pages copy copies distribution chrono
alias crypt cryptonym rybat tab box file files filed background content activity officer
contact liaison identities iden ops operational station agency council state house embassy
office department government ministry committee commission bureau division section branch
director chief headquarters hqs section routing slip date no nr number serial attn attention
priority routine immediate flash urgent exile exiles dangerous unevaluated information
granted permission textual contained assoc director exploit utilize initials initial
retain destroy index indexed source sources comment comments summary report reports
ibid library papers
""")
# All-capital words of four letters or less are mostly routing codes and OCR debris ("DIR",
# "EEE", "MIRC"); these are organizations and places an archivist files under.
_ACRONYMS = _words("""
cia fbi kgb gru dia nsa bnd dgi jcs usia aec nasa nato seato cento oas un uk us usa ussr
u s uar prc gdr frg ddr brd sed cpsu cpc sdece mi5 mi6 opec nkvd mvd tass
""")
# Lower-case words allowed inside a name ("Duc de la Rochefoucauld", "Bank of England").
_PARTICLES = _words("""de del della der des di da do dos du la le les van von y e
of and for the on in al el bin ibn zu""")
# One word of a name: Capitalised (with Mc/Mac/O'/d' and hyphens), ALL CAPITALS, or an
# initial. "jFlcridalyy", "HaMBUPCO", "Cosbio/" fail.
_WORD = re.compile(
    r"(?:(?:Mc|Mac|O['’]|D['’]|d['’])?[^\W\d_][^\W\d_A-Z]*(?:[-'’][^\W\d_][^\W\d_A-Z]*)*"
    r"|[^\W\d_a-z]+(?:[-'’&][^\W\d_a-z]+)*\.?|(?:[^\W\d_]\.)+)")
_LETTERS = re.compile(r"[^\W\d_]")
_LOWER_WORDS = re.compile(r"\b[a-z]{3,}\b")
_CLEAN = 0.95
_REPEATS = re.compile(r"(.)\1\1")
# No name begins with these doubled letters; OCR of "C" and "e" often does ("Ccmmunist").
_DOUBLED_STARTS = frozenset({"bb", "cc", "dd", "ee", "ff", "gg", "hh", "ii", "jj", "kk", "mm",
                             "nn", "pp", "qq", "rr", "ss", "tt", "uu", "vv", "ww", "xx", "zz"})


def stamp_spans(text: str) -> list[tuple[int, int]]:
    """Where the release stamp and the identification form's heading stand in the text."""
    return [m.span() for m in _STAMP.finditer(text)]


def in_spans(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps any of the spans."""
    return any(start < e and s < end for s, e in spans)


class Verdict(IntEnum):
    """How plausible a name is on its shape alone."""

    NO = 0  # debris, a form word, a code: dropped
    KNOWN_ONLY = 1  # kept only when the archive knows the name (spelling or variant)
    REPEATED = 2  # kept when the document prints it twice, or the archive knows it
    YES = 3


@cache
def _dictionary() -> frozenset[str]:
    """English words and common names (symspellpy's frequency list, 82,765 entries from
    Google Books): a one-word name OCR mangled is rarely in it ("Cetosar", "Behcools"),
    while Helms, Hoover, Castro, Minsk and Khrushchev are."""
    path = files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    return frozenset(line.split(" ", 1)[0] for line in path.read_text().splitlines())


def _is_name_word(word: str) -> bool:
    if word.lower() in _PARTICLES:
        return True
    return bool(_WORD.fullmatch(word)) and (word[:1].isupper() or word[:2] in ("d'", "d’"))


def _is_debris(word: str) -> bool:
    """OCR debris inside a name: a short word that is not an initial ("Ce Smith", "Ke Se"),
    a letter tripled or doubled at the start ("Pesssacew", "Ccseunistey")."""
    letters = fold(word)
    if letters in _PARTICLES or word.endswith("."):
        return False
    if len(letters) <= 2 and not word.isupper():
        return True
    return bool(_REPEATS.search(letters)) or (letters[:2] in _DOUBLED_STARTS)


def is_clean(text: str) -> bool:
    """Whether a text reads as typed, not as OCR of a poor scan: at least 95% of its
    lower-case words of three letters or more are in the dictionary. Measured: every FRUS
    document of a sample of 40 has 0.968 or more; the JFK reference OCR 0.29 to 0.99
    (median 0.73)."""
    words = _LOWER_WORDS.findall(text)
    if not words:
        return True
    known = _dictionary()
    return sum(w in known for w in words) >= _CLEAN * len(words)


def _one_word(word: str, kind: Kind, clean: bool) -> Verdict:
    letters = fold("".join(_LETTERS.findall(word)))
    if letters in _ACRONYMS:
        return Verdict.YES
    if len(letters) <= 3 or (word.isupper() and kind is Kind.ORGANIZATION):
        # routing codes ("DIR"), CIA cryptonyms ("PBRUMEN", "KUBARK": an office or a person
        # the editor resolves), English words in capitals ("FURTHER"), debris
        return Verdict.KNOWN_ONLY
    if word.isupper():
        return Verdict.REPEATED  # a cable prints names in capitals, and headers too
    if clean or letters in _dictionary():
        return Verdict.YES
    return Verdict.KNOWN_ONLY if kind is Kind.ORGANIZATION else Verdict.REPEATED


def verdict(name: str, kind: Kind, clean: bool = False) -> Verdict:
    """Whether a cleaned name could be a person, organization or place an archivist files
    under: made of name-like words, not of form words, not debris, not a code. In a
    ``clean`` text (see `is_clean`) a word in mixed case is a name whatever it is."""
    words = name.split()
    if not words or len(words) > 8 or len(_LETTERS.findall(name)) < 2:
        return Verdict.NO
    if not any(w[:1].isupper() for w in words) or not all(_is_name_word(w) for w in words):
        return Verdict.NO
    folded = fold(name).split()
    if all(w in _FORM_WORDS or w in _PARTICLES or len(w) == 1 for w in folded):
        return Verdict.NO
    if len(words) == 1:
        return _one_word(words[0], kind, clean)
    if any(_is_debris(w) for w in words):
        return Verdict.NO
    if kind is Kind.PERSON and any(w in _FORM_WORDS for w in folded):
        return Verdict.NO  # "Alias Birth Certificate", "CIA FILES"
    if name.isupper() and kind is Kind.ORGANIZATION:
        return Verdict.KNOWN_ONLY  # "AIR USMACV USOM MAAG USIS": a routing line
    return Verdict.YES


def shape_confidence(name: str, kind: Kind) -> float:
    """How sure a recogniser's name is, by its shape: a full name in mixed case is surer than
    one word in capitals (OCR and headers print those)."""
    words = name.split()
    capitals = name.isupper()
    if len(words) > 1:
        return 0.7 if capitals else 0.85
    if kind is Kind.PERSON:
        return 0.55 if capitals else 0.7
    return 0.6 if capitals else 0.75
