"""Words as the OCR of a poor carbon misreads them: "Jure 1964" is June, "o¢toser" October,
"ORECTOR" DIRECTOR, "ATRTEL" AIRTEL. A word is taken for a known one when it lies within a
small edit distance of it and of no other: one edit in a word of up to five letters, two in
a longer one. Only used where the context already says what kind of word must stand there
(a month between a day and a year, a form's title, a cable's address), never to correct
running text."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

# Characters the OCR of a typewritten page puts for letters (Tesseract on these scans)
_CONFUSABLE = str.maketrans({"¢": "c", "$": "s", "0": "o", "1": "l", "5": "s", "8": "b", "|": "l",
                             "€": "e", "@": "a"})


def distance(a: str, b: str) -> int:
    """The Levenshtein distance between two short words."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def allowed(word: str) -> int:
    """How many edits a misread word of this length may carry."""
    return 1 if len(word) <= 5 else 2


def nearest(word: str, known: Iterable[str]) -> str | None:
    """The one known word the misread word stands for, or None when none or several fit."""
    return _nearest(word.casefold().translate(_CONFUSABLE), tuple(known))


@lru_cache(maxsize=8192)
def _nearest(word: str, known: tuple[str, ...]) -> str | None:
    if len(word) < 3:
        return None
    scored = sorted((distance(word, k.casefold()), k) for k in known
                    if abs(len(k) - len(word)) <= 2)
    if not scored or scored[0][0] > allowed(word):
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]
