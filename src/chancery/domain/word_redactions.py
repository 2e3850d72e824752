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
    return set(_covering(words, [(p, "") for p in phrases]))


def _covering(words: Sequence[Word], phrases: Iterable[tuple[str, str]]) -> dict[int, str]:
    """``covered`` with the reason of the first (phrase, reason) that covers each word."""
    starts, text, at = [], [], 0
    for w in words:
        starts.append(at)
        text.append(w.text)
        at += len(w.text) + 1
    joined = " ".join(text)
    gone: dict[int, str] = {}
    for phrase, reason in phrases:
        pattern = _pattern(phrase)
        for m in pattern.finditer(joined) if pattern else ():
            i = max(0, bisect_right(starts, m.start()) - 1)  # the word the match starts in
            while i < len(starts) and starts[i] < m.end():
                gone.setdefault(i, reason)
                i += 1
    return gone


def _box_over(word: Word, page: PageWords, boxes: Iterable[Redaction]) -> Redaction | None:
    for r in boxes:
        if r.box is not None and r.page == page.page:
            left, top, right, bottom = r.box.pixels(page.width, page.height)
            if word.overlaps(left, top, right - left, bottom - top):
                return r
    return None


def withholding(pages: Sequence[PageWords], files: Sequence[str],
                redactions: Iterable[Redaction],
                withheld: Iterable[tuple[str, str]]) -> list[str | None]:
    """For every word of the pages in reading order, the reason of a redaction in force that
    withholds it, or None for a word the public may read. ``files``: the original sha256 of
    each of the document's scans, by media index (what a BOX redaction names); ``withheld``:
    the runs of words the redactions withhold with their reasons (withheld_runs)."""
    live = [r for r in redactions if r.in_force and r.kind is RedactionKind.BOX]
    boxes = {sha: [r for r in live if r.media == sha] for sha in set(files)}
    flat = {sha: next(r.reason for r in rs if r.box is None) for sha, rs in boxes.items()
            if any(r.box is None for r in rs)}
    every = [(p, w) for p in pages for w in p.words]
    gone = _covering([w for _, w in every], withheld)
    return [gone[i] if i in gone else _box_reason(word, page, files, boxes, flat)
            for i, (page, word) in enumerate(every)]


def _box_reason(word: Word, page: PageWords, files: Sequence[str],
                boxes: dict[str, list[Redaction]], flat: dict[str, str]) -> str | None:
    """The reason of a box (or a box-less redaction of the file) that withholds the word."""
    sha = files[page.media] if 0 <= page.media < len(files) else ""
    if not sha:
        return ""  # a word of no scan the document knows: no box can be told to spare it
    if sha in flat:
        return flat[sha]
    box = _box_over(word, page, boxes[sha])
    return box.reason if box else None


def visible_words(pages: Sequence[PageWords], files: Sequence[str], redactions: Iterable[Redaction],
                  withheld: Iterable[str]) -> list[PageWords]:
    """The pages with every word the redactions in force withhold taken out. ``files``: the
    original sha256 of each of the document's scans, by media index (what a BOX redaction
    names); ``withheld``: the runs of words the redactions withhold (withheld_phrases)."""
    reasons = withholding(pages, files, redactions, [(p, "") for p in withheld])
    out, at = [], 0
    for p in pages:
        kept = tuple(w for w, why in zip(p.words, reasons[at:at + len(p.words)], strict=True)
                     if why is None)
        out.append(replace(p, words=kept))
        at += len(p.words)
    return out
