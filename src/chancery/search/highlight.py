"""Turning the engine's highlight ranges into fragments a page or terminal can show."""

from __future__ import annotations

import re
from bisect import bisect_right

from chancery.search.grammar import Node, positive_words
from chancery.search.interface import Fragment

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")  # CJK ideographs


def min_han_run(query: Node) -> int:
    """The shortest Chinese word the query looks for (1 when it looks for none).

    Chinese is indexed a character at a time and found as phrases; the engine then also
    highlights each character of the phrase wherever it stands alone. Highlights of Chinese
    shorter than the shortest word searched for are those strays, and are dropped."""
    lengths = [len(_HAN.findall(w.text)) for w in positive_words(query)]
    return min((n for n in lengths if n), default=1)


def fragments(text: str, ranges: list[tuple[int, int]], min_han: int = 1) -> tuple[Fragment, ...]:
    """The text cut into plain and highlighted pieces; ``ranges`` are UTF-8 byte offsets."""
    raw = text.encode()
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):  # 外 交 部 highlighted as one word, not three
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, pos = [], 0
    for start, end in merged:
        piece = raw[start:end].decode(errors="ignore")
        if _is_stray(piece, min_han):
            continue
        if start > pos:
            out.append(Fragment(raw[pos:start].decode(errors="ignore")))
        out.append(Fragment(piece, True))
        pos = end
    if pos < len(raw):
        out.append(Fragment(raw[pos:].decode(errors="ignore")))
    return tuple(out)


def _is_stray(piece: str, min_han: int) -> bool:
    han = len(_HAN.findall(piece))
    return 0 < han == len(piece.strip()) and han < min_han


def han_words(query: Node) -> list[str]:
    """The Chinese words the query looks for, longest first."""
    found = {"".join(_HAN.findall(w.text)) for w in positive_words(query)}
    return sorted((w for w in found if w), key=len, reverse=True)


def han_snippet(text: str, words: list[str], width: int) -> tuple[Fragment, ...]:
    """A window of ``text`` around the first Chinese query word, with every occurrence of the
    words highlighted exactly (empty when none occurs). Chinese words are literal substrings,
    so this is exact where the engine's character-by-character highlighting is not."""
    spans = [(m.start(), m.end()) for w in words for m in re.finditer(re.escape(w), text)]
    if not spans:
        return ()
    first = min(spans)[0]
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    window = text[start:end]
    ranges = [(len(text[start:s].encode()), len(text[start:e].encode()))
              for s, e in spans if s >= start and e <= end]
    return fragments(window, ranges)


_WORDS = re.compile(r"\S+")  # words as a word-for-word reading counts them (Respell)


def aligned_snippet(raw: str, reading: str, ranges: list[tuple[int, int]],
                    width: int) -> tuple[Fragment, ...]:
    """A window of ``raw`` around the words that matched in ``reading`` (a word-for-word
    reading of it: the corrected OCR), the raw words in those places highlighted. ``ranges``
    are UTF-8 byte offsets in ``reading``; none of its words is shown."""
    encoded = reading.encode()
    starts = [len(encoded[:s].decode(errors="ignore")) for s, _ in ranges]
    firsts = [m.start() for m in _WORDS.finditer(reading)]
    words = [m.span() for m in _WORDS.finditer(raw)]
    places = sorted({bisect_right(firsts, c) - 1 for c in starts})
    spans = [words[n] for n in places if 0 <= n < len(words)]
    if not spans:
        return ()
    # begin a third of the width before the first place, at a word's start
    start = next(s for s, _ in words if s >= spans[0][0] - width // 3)
    end = min(len(raw), start + width)
    ranges = [(len(raw[start:s].encode()), len(raw[start:e].encode()))
              for s, e in spans if e <= end]
    return fragments(raw[start:end], ranges)
