"""A spelling-corrected reading of English OCR text, searched beside the raw text, never shown.

Tesseract reads poor carbons badly ("Maemo", "tosts", "perforzod"); correcting the words that
are not English words with symspellpy and its bundled frequency list finds more of them by
their right spelling (figures in benchmarks/ocr_spelling.py). Correction also destroys names
("Glen Winstead" became "Glen Instead"), so it is timid: only a lowercase word of letters,
long enough, absent from the dictionary and from the names it is told to protect, is
changed, and only when a dictionary word lies within a small edit distance. Capitalised and
all-caps words (names, places, stamps, routing codes), anything with a digit (numbers,
dates, file numbers), and short words are left as read.

Words are replaced in place: the output has the same words in the same order, separated by
the same characters, so word n of the correction is word n of the raw text (snippets rely on
it). Texts in other languages come back unchanged: the dictionary is English only.
"""

from __future__ import annotations

import importlib.resources
import re
import threading
from collections.abc import Iterable, Set
from typing import Any

from symspellpy import SymSpell, Verbosity

LANGUAGES = frozenset({"en"})  # the dictionaries we have; other languages are left alone
# Chosen by measurement (benchmarks/ocr_spelling.py): distance 2 repairs the two-letter
# misreadings carbons are full of ("perforzod" -> "performed") ...
MAX_DISTANCE = 2
# ... and words under 4 letters are left: nearly every short misreading is a dictionary word
# already, and the ones that are not ("tho", "lr") had too many neighbours to pick from.
MIN_LENGTH = 4
_DICTIONARY = "frequency_dictionary_en_82_765.txt"
# a token: leading punctuation, a word of letters (inner apostrophes and hyphens allowed),
# trailing punctuation; a token that is not all of this (a digit in it, say) is left whole
_TOKEN = re.compile(r"\S+")
_PARTS = re.compile(r"([\W_]*?)([^\W\d_]+(?:['’-][^\W\d_]+)*)([\W_]*)")

_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def _speller() -> Any:
    """The English dictionary, loaded once per process on first use (about 3 s, 100 MB)."""
    with _lock:
        if "en" not in _loaded:
            speller = SymSpell(max_dictionary_edit_distance=MAX_DISTANCE, prefix_length=7)
            path = importlib.resources.files("symspellpy") / _DICTIONARY
            with importlib.resources.as_file(path) as file:
                speller.load_dictionary(str(file), term_index=0, count_index=1)
            _loaded["en"] = speller
        return _loaded["en"]


def name_words(names: Iterable[str]) -> frozenset[str]:
    """The lowercase words of names (authority spellings), the form ``respell`` protects."""
    return frozenset(w.lower() for name in names for w in re.findall(r"[^\W\d_]+", name))


def respell(text: str, language: str, protected: Set[str] = frozenset(),
            max_distance: int = MAX_DISTANCE, min_length: int = MIN_LENGTH) -> str:
    """The text with its misread English words corrected, word for word; unchanged for other
    languages. ``protected``: lowercase words never to correct (see ``name_words``)."""
    if language.split("-")[0].lower() not in LANGUAGES or not text.strip():
        return text
    speller = _speller()

    def fix(token: re.Match[str]) -> str:
        parts = _PARTS.fullmatch(token.group())
        if parts is None:
            return token.group()
        before, word, after = parts.groups()
        better = _correction(speller, word, protected, max_distance, min_length)
        return f"{before}{better}{after}"

    return _TOKEN.sub(fix, text)


def is_protected(word: str, protected: Set[str] = frozenset(),
                 min_length: int = MIN_LENGTH) -> bool:
    """Whether a word is left as read whatever the dictionary says: a capital in it (a name,
    a place, a stamp, a code), too short, a name the archive knows, or not plain letters."""
    return (not word.islower() or len(word) < min_length or word in protected
            or not word.isalpha())


def _correction(speller: Any, word: str, protected: Set[str], max_distance: int,
                min_length: int) -> str:
    if is_protected(word, protected, min_length) or word in speller.words:
        return word
    found = speller.lookup(word, Verbosity.TOP, max_edit_distance=max_distance)
    # the best of the nearest: symspellpy orders by distance, then by frequency
    return str(found[0].term) if found else word


def respell_ocr(text: str, language: str, names: tuple[str, ...]) -> str:
    """``respell`` that leaves the words of the given names (the authority records a document
    is linked to) as read: the search index's hook (search.tantivy_schema.Respell)."""
    return respell(text, language, name_words(names))
