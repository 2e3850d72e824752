"""The archive's own words: what its documents print, as a vocabulary that words typed in
another language or script are bridged to (services/bridge_words.py). Pure text rules here;
counting, embedding and nearest-word lookups live in storage/ and meaning/."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words a question is built of that say nothing about which documents are meant: in a relaxed
# query they are neither required nor counted. Kept short on purpose: "us" (the US), "may"
# (the month) and "will" (a name) are not here.
STOP_WORDS = frozenset({
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "before", "being", "but", "by", "can", "could", "did", "do", "does", "during", "for",
    "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "me", "my", "of", "on", "or", "our", "she", "should", "so", "such", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to",
    "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why",
    "with", "would", "you", "your",
    # the function words of a question asked in Russian, German or French: without them a
    # query of three names and a preposition required the preposition ("в Китае")
    "в", "во", "и", "к", "на", "о", "об", "от", "по", "с", "со", "у", "из", "за", "для", "до",
    "что", "как", "это", "при", "или", "не", "ли", "же", "бы",
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "und", "oder", "mit",
    "von", "vom", "zu", "zum", "zur", "im", "ist", "sind", "auf", "für", "über", "nach",
    "le", "la", "les", "un", "une", "et", "du", "au", "aux", "dans", "pour", "sur", "par",
    "avec", "est"})
SHORTEST = 3  # shorter words (в, на, of) are function words in every language here
LONGEST = 40  # longer "words" are OCR runs and URLs, never something to bridge to
# a word: letters, with an apostrophe or a hyphen inside (Chou En-lai's "En-lai", "Turkey's")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")  # with the accented and extended letters


def words_of(texts: Iterable[str]) -> set[str]:
    """The distinct words of some texts, lowercased: the alphabetic ones of 3-40 letters
    that are not stop words (Chinese runs are left out: the vocabulary bridges *to* the
    archive's words, and Chinese documents' words are the index's characters)."""
    out: set[str] = set()
    for text in texts:
        for match in _WORD.finditer(text):
            word = match.group().lower().replace("’", "'")
            if SHORTEST <= len(word) <= LONGEST and word not in STOP_WORDS and not has_cjk(word):
                out.add(word)
    return out


def has_cjk(text: str) -> bool:
    """Whether a text holds Chinese characters."""
    return bool(_CJK.search(text))


def has_cyrillic(text: str) -> bool:
    """Whether a text holds Cyrillic letters."""
    return bool(_CYRILLIC.search(text))


def other_script(text: str) -> bool:
    """Whether a text holds letters of a script other than Latin (Cyrillic, Chinese, Greek,
    ...): such a word is bridged to the archive's words whatever the archive holds."""
    return any(ch.isalpha() and not _LATIN.match(ch) for ch in text)


def bridgeable(word: str) -> bool:
    """Whether a typed word or phrase is worth bridging: Chinese of any length, otherwise
    at least SHORTEST letters and not a stop word."""
    folded = word.strip().lower()
    if has_cjk(folded):
        return True
    return len(folded) >= SHORTEST and folded not in STOP_WORDS
