"""How good a page's text is, without a transcription to compare with: the share of its words
found in an English dictionary (symspellpy's bundled frequency list, 82,765 words)."""

from __future__ import annotations

import string
from functools import cache
from importlib.resources import files

# A PDF's own text layer is used when at least this share of its words are dictionary words.
# Measured on the JFK scans (benchmarks/ocr.py --threshold): their layers spread from 0 to 0.97
# (median 0.62). On 21 pages drawn across that range, Tesseract 5.5 raised the share by 0.045
# on average where the layer was under 0.6 (0.39 -> 0.54, 0.52 -> 0.61), and by nothing
# where it was above (+0.002), for 1-10 s a page: below 0.6 reading again pays.
GOOD_ENOUGH = 0.6
MIN_WORDS = 5  # fewer words than this is no text layer at all (a stamp, a page number)

_PUNCT = string.punctuation + "“”‘’—–«»¢©®°•~|"
_SINGLE = {"a", "i"}  # the one-letter English words; other single letters are noise


@cache
def _words() -> frozenset[str]:
    listing = files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    return frozenset(line.split(" ", 1)[0] for line in listing.read_text().splitlines())


def _counted(token: str) -> str | None:
    """The token as judged, or None when it is a number (cable and file numbers are real
    text, but no dictionary has them)."""
    core = token.strip(_PUNCT)
    if core and not any(c.isalpha() for c in core) and any(c.isdigit() for c in core):
        return None
    return core.lower()


def dictionary_ratio(text: str) -> float:
    """The share of the text's words (numbers aside) that are English dictionary words; a
    token of stray marks counts against it, as OCR of specks and stamps does."""
    judged = [c for c in map(_counted, text.split()) if c is not None]
    if not judged:
        return 0.0
    words = _words()
    good = sum(1 for c in judged if (len(c) > 1 and c in words) or c in _SINGLE)
    return good / len(judged)


def word_count(text: str) -> int:
    """Tokens with at least one letter."""
    return sum(1 for t in text.split() if any(c.isalpha() for c in t))


def wordlike_ratio(text: str) -> float:
    """The share of tokens (numbers aside) made of letters alone, two or more: what can be
    judged of a text in a language the dictionary does not cover."""
    judged = [c for c in map(_counted, text.split()) if c is not None]
    good = sum(1 for c in judged if len(c) > 1 and c.isalpha())
    return good / len(judged) if judged else 0.0


def is_good_enough(text: str, language: str = "en") -> bool:
    """Whether a text layer reads well enough to be used instead of OCR: English by its
    dictionary words; another language (no dictionary here, and no scans of it to measure
    on) by its share of letter-only words against the same threshold."""
    if word_count(text) < MIN_WORDS:
        return False
    english = language.split("-")[0].lower() in ("en", "eng", "")
    return (dictionary_ratio(text) if english else wordlike_ratio(text)) >= GOOD_ENOUGH
