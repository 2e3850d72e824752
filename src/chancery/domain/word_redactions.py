"""The one redaction rule for the words read on scan pages: what a reader may be shown of a
document's word layer (hit boxes on the page, IIIF Content Search, a searchable PDF's text).

A word goes when any part of it lies under a box on its page (the box burned into the image
hides it; its text must not say it), and when it is part of a run of words a redaction
withholds anywhere in the document: a TEXT redaction's words, a FIELD redaction's (a whole
field's value, a withheld record's names), since a scan repeats the transcription, the title
and the names the public may not read. A file another document withholds words of (a
box-less BOX redaction: ``text_layer_withheld``) keeps no words at all here: which words
that document withholds is its own record, and this one cannot tell them apart."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import replace

from chancery.domain.redactions import Redaction, RedactionKind
from chancery.domain.words import PageWords, Word


def _pattern(words: str) -> re.Pattern[str] | None:
    # as the transcription's rule (redactions._pattern): any white space matches any other,
    # case does not matter, and a match inside a longer word takes that whole word
    parts = [re.escape(p) for p in words.split()]
    return re.compile(r"\s+".join(parts), re.IGNORECASE) if parts else None


def covered(words: Sequence[Word], phrases: Iterable[str]) -> set[int]:
    """The indexes of the words (in reading order) any of the phrases covers, in whole or in
    part, read as one text with a space between words (so a name split over two lines or two
    pages is found)."""
    starts, text, at = [], [], 0
    for w in words:
        starts.append(at)
        text.append(w.text)
        at += len(w.text) + 1
    joined = " ".join(text)
    gone: set[int] = set()
    for phrase in phrases:
        pattern = _pattern(phrase)
        for m in pattern.finditer(joined) if pattern else ():
            i = max(0, bisect_right(starts, m.start()) - 1)  # the word the match starts in
            while i < len(starts) and starts[i] < m.end():
                gone.add(i)
                i += 1
    return gone


def _under_box(word: Word, page: PageWords, boxes: Iterable[Redaction]) -> bool:
    for r in boxes:
        if r.box is not None and r.page == page.page:
            left, top, right, bottom = r.box.pixels(page.width, page.height)
            if word.overlaps(left, top, right - left, bottom - top):
                return True
    return False


def visible_words(pages: Sequence[PageWords], files: Sequence[str], redactions: Iterable[Redaction],
                  withheld: Iterable[str]) -> list[PageWords]:
    """The pages with every word the redactions in force withhold taken out. ``files``: the
    original sha256 of each of the document's scans, by media index (what a BOX redaction
    names); ``withheld``: the runs of words the redactions withhold (withheld_phrases)."""
    live = [r for r in redactions if r.in_force and r.kind is RedactionKind.BOX]
    boxes = {sha: [r for r in live if r.media == sha] for sha in set(files)}
    flat = {sha for sha, rs in boxes.items() if any(r.box is None for r in rs)}
    every = [(p, w) for p in pages for w in p.words]
    gone = covered([w for _, w in every], withheld)
    kept: dict[tuple[int, int], list[Word]] = {(p.media, p.page): [] for p in pages}
    for i, (page, word) in enumerate(every):
        sha = files[page.media] if 0 <= page.media < len(files) else ""
        if i in gone or not sha or sha in flat or _under_box(word, page, boxes[sha]):
            continue
        kept[(page.media, page.page)].append(word)
    return [replace(p, words=tuple(kept[(p.media, p.page)])) for p in pages]
