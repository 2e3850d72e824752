"""The redaction rule for words (word_redactions.py) carried into the texts read from a scan:
a box drawn over a name on a page takes the name out of every OCR text of the document too,
so the public never reads, finds or cites a word the scan's image hides.

An OCR text the OCR stage made holds the word layer's words in the same order (one page's
text after another, the words as read), so each withheld word is cut where it stands and the
text keeps its lines and paragraphs. A text the source gave as OCR is another reading of the
same pages: there every occurrence of each run of withheld words is cut, as a TEXT redaction
would cut it. Transcriptions and translations are people's work, redacted by their own TEXT
redactions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from chancery.domain.corrections import withheld_runs
from chancery.domain.documents import Document
from chancery.domain.redactions import Redaction, marker, redact_words
from chancery.domain.texts import Note, TextKind, TextVersion
from chancery.domain.word_redactions import withholding
from chancery.domain.words import PageWords, Word

_TOKEN = re.compile(r"\S+")


def public_read_texts(doc: Document, pages: Sequence[PageWords], live: list[Redaction],
                      names: dict[str, list[str]]) -> Document:
    """The document (an editor's read) with the words the redactions in force withhold from
    its scans' word layer (``pages``) cut out of its OCR texts, "[redacted: reason]" where
    they were. ``names``: the names of each linked record, by key (a withheld link's)."""
    if not any(t.kind is TextKind.OCR for t in doc.texts):
        return doc
    words, reasons = _withholding(doc, pages, live, names)
    if all(why is None for why in reasons):
        return doc
    return replace(doc, texts=tuple(_cut(t, words, reasons) if t.kind is TextKind.OCR else t
                                    for t in doc.texts))


def withheld_read_words(doc: Document, pages: Sequence[PageWords], live: list[Redaction],
                        names: dict[str, list[str]]) -> list[str]:
    """The runs of words of the word layer the redactions withhold (what an editors' search
    still finds the document by)."""
    return [run for run, _ in _runs(*_withholding(doc, pages, live, names))]


def _withholding(doc: Document, pages: Sequence[PageWords], live: list[Redaction],
                 names: dict[str, list[str]]) -> tuple[list[Word], list[str | None]]:
    files = [m.sha256 for m in doc.media]
    reasons = withholding(pages, files, live, withheld_runs(doc, live, names))
    return [w for p in pages for w in p.words], reasons


def _cut(t: TextVersion, words: list[Word], reasons: list[str | None]) -> TextVersion:
    tokens = list(_TOKEN.finditer(t.body))
    if [m.group() for m in tokens] == [w.text for w in words]:
        return replace(t, body=_cut_in_place(t.body, tokens, reasons))
    runs = sorted(_runs(words, reasons), key=lambda run: -len(run[0]))  # a longer run whole
    notes = tuple(Note(n.mark, _cut_runs(n.text, runs), n.kind) for n in t.notes)
    return replace(t, body=_cut_runs(t.body, runs), notes=notes)


def _cut_in_place(body: str, tokens: list[re.Match[str]], reasons: list[str | None]) -> str:
    """The text with each withheld word replaced by the mark, one mark for a run of them
    (how many words a box hides is not the public's), a new one after a blank line so that
    paragraphs and pages stay apart."""
    out: list[str] = []
    at, last = 0, None
    for m, why in zip(tokens, reasons, strict=True):
        gap = body[at:m.start()]
        if why is None:
            out.append(gap + m.group())
        elif why != last or "\n\n" in gap:
            out.append(gap + marker(why))
        at, last = m.end(), why
    out.append(body[at:])
    return "".join(out)


def _runs(words: Sequence[Word], reasons: Sequence[str | None]) -> list[tuple[str, str]]:
    """Consecutive withheld words with the same reason, as (words, reason)."""
    runs: list[tuple[list[str], str]] = []
    last = None
    for w, why in zip(words, reasons, strict=True):
        if why is not None and why == last:
            runs[-1][0].append(w.text)
        elif why is not None:
            runs.append(([w.text], why))
        last = why
    return [(" ".join(texts), why) for texts, why in runs]


def _cut_runs(text: str, runs: list[tuple[str, str]]) -> str:
    for run, why in runs:
        text = redact_words(text, run, why)
    return text
