"""A short extractive summary: the two sentences that carry the text's most frequent
content words, in the order they stand, nearer the top weighing more (the opening states
the business in most letters, memoranda and cables). Nothing is rewritten."""

from __future__ import annotations

import re
from collections import Counter

from chancery.domain.suggestions import Finding, Kind
from chancery.suggest.context import SuggestContext

NAME = "summary"
VERSION = "1"

_SENTENCES = 2
_MAX_CHARS = 400
_SENTENCE = re.compile(r"[^.!?\n]*(?:\n(?!\n)[^.!?\n]*)*[.!?]")
_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP_WORDS = (
    "the and that this with from have has had for are was were not but which will would been "
    "his her their its they them there what when who whom also into than then such these those "
    "our your you shall should could may might can any all some more most other only upon out "
    "about after before under over very said being does did per")
_STOP = frozenset(_STOP_WORDS.split())
_MIN_WORDS = 8


def find(text: str, ctx: SuggestContext) -> list[Finding]:
    """The summary, or nothing when the text has no sentence worth quoting (a form, noise)."""
    body = text.split("\n\n[1]", 1)[0]  # not the footnotes
    sentences = [m for m in _SENTENCE.finditer(body) if _is_prose(m.group(0))]
    if not sentences:
        return []
    counts = Counter(w for m in sentences for w in _words(m.group(0)))
    scored = sorted(range(len(sentences)),
                    key=lambda i: -_score(sentences[i].group(0), counts, i))[:_SENTENCES]
    chosen = [sentences[i] for i in sorted(scored)]
    summary = " ".join(" ".join(m.group(0).split()) for m in chosen)
    if len(summary) > _MAX_CHARS:
        summary = summary[:_MAX_CHARS].rsplit(" ", 1)[0] + " …"
    return [Finding(Kind.SUMMARY, summary, 0.5, evidence=chosen[0].group(0).strip(),
                    start=chosen[0].start(), end=chosen[-1].end(), stage=f"{NAME}/{VERSION}")]


def _words(sentence: str) -> list[str]:
    return [w for w in (w.casefold() for w in _WORD.findall(sentence)) if w not in _STOP]


def _is_prose(sentence: str) -> bool:
    """A sentence, not a form's fields run together ("AGENCY: FBI RECORD NUMBER: ...")."""
    words = sentence.split()
    letters = [c for c in sentence if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    return (len(words) >= _MIN_WORDS and len(letters) > 0.7 * len(sentence.replace(" ", ""))
            and capitals < 0.5 * len(letters) and sentence.count(":") <= 2)


def _score(sentence: str, counts: Counter[str], position: int) -> float:
    words = _words(sentence)
    if not words:
        return 0.0
    return sum(counts[w] for w in words) / len(words) / (1 + 0.15 * position)
