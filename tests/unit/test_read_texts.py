"""The word rule carried into OCR texts: what a box hides on the page is not in the text."""

from __future__ import annotations

from chancery.domain.documents import Document
from chancery.domain.media import MediaFile
from chancery.domain.read_texts import public_read_texts, withheld_read_words
from chancery.domain.redactions import Box, Redaction, RedactionKind, RedactionState
from chancery.domain.texts import TextKind, TextVersion
from chancery.domain.words import PageWords, Word

SHA = "a" * 64
# two pages; words 100 pixels apart on a 1000 x 1000 page, a line 100 pixels below the last
LINES = [[["Memo", "for", "Agent"], ["Smith", "Jones", "left."]], [["Smith", "returned."]]]
# the body the OCR stage makes of them: a line break per line, a blank line between pages
OCR_BODY = "Memo for Agent\nSmith Jones left.\n\nSmith returned."


def _pages() -> list[PageWords]:
    out = []
    for n, lines in enumerate(LINES, start=1):
        words = tuple(Word(t, n, 100 * i, 100 * (row + 1), 80, 20)
                      for row, line in enumerate(lines) for i, t in enumerate(line))
        out.append(PageWords(0, n, 1000, 1000, words))
    return out


def _doc(*texts: TextVersion) -> Document:
    return Document("d1", "Memo", texts=texts,
                    media=(MediaFile(SHA, "scan.pdf", "application/pdf", 10, 2),))


def _box(page: int, x: float, y: float, w: float, reason: str = "(b)(6)",
         state: RedactionState = RedactionState.ACTIVE) -> Redaction:
    return Redaction(RedactionKind.BOX, reason, media=SHA, page=page,
                     box=Box(x, y, w, 0.02), state=state)


def _ocr(body: str = OCR_BODY) -> TextVersion:
    return TextVersion("en", TextKind.OCR, body)


def _body(doc: Document, live: list[Redaction], key: str = "en-ocr") -> str:
    seen = public_read_texts(doc, _pages(), live, {})
    return next(t.body for t in seen.texts if t.version_key == key)


def test_words_under_a_box_become_one_mark_and_the_lines_stay() -> None:
    """A box over "Agent" and "Smith Jones" (two lines): one mark for the run, the layout of
    the rest as the stage wrote it; a mark again after a page break."""
    live = [_box(1, 0.19, 0.1, 0.02), _box(1, 0.0, 0.2, 0.19), _box(2, 0.0, 0.1, 0.09)]
    assert _body(_doc(_ocr()), live) == \
        "Memo for [redacted: (b)(6)] left.\n\n[redacted: (b)(6)] returned."


def test_runs_with_other_reasons_get_their_own_marks() -> None:
    """Two boxes side by side with different reasons: each says its own."""
    live = [_box(1, 0.19, 0.1, 0.02, "(b)(1)"), _box(1, 0.0, 0.2, 0.09, "privacy")]
    assert _body(_doc(_ocr()), live).startswith(
        "Memo for [redacted: (b)(1)]\n[redacted: privacy] Jones left.")


def test_a_lifted_box_and_a_box_on_another_page_leave_the_text() -> None:
    """Only boxes in force, on their own page."""
    live = [_box(1, 0.0, 0.2, 0.09, state=RedactionState.REMOVED), _box(2, 0.5, 0.5, 0.1)]
    assert _body(_doc(_ocr()), live) == OCR_BODY


def test_words_withheld_elsewhere_leave_the_ocr_text_too() -> None:
    """A TEXT redaction of the transcription: the same name goes from the OCR text (the
    scan repeats it), the transcription keeps its own rule (public_view)."""
    original = TextVersion("en", TextKind.ORIGINAL, "Smith left.")
    live = [Redaction(RedactionKind.TEXT, "privacy", "smith", "en-original")]
    doc = _doc(original, _ocr())
    assert _body(doc, live) == \
        "Memo for Agent\n[redacted: privacy] Jones left.\n\n[redacted: privacy] returned."
    assert _body(doc, live, "en-original") == "Smith left."


def test_a_text_read_elsewhere_loses_every_occurrence_of_the_boxed_words() -> None:
    """An OCR text the source gave (not word for word the layer): each run of boxed words
    is cut wherever it occurs, as a TEXT redaction would."""
    given = _ocr("MEMO FOR AGENT SMITH JONES, who left; Smith Jones returned")
    live = [_box(1, 0.0, 0.2, 0.19)]
    assert _body(_doc(given), live) == \
        "MEMO FOR AGENT [redacted: (b)(6)], who left; [redacted: (b)(6)] returned"


def test_no_redaction_that_touches_a_word_changes_nothing() -> None:
    """Nothing withheld, no OCR text: the document as it was (the same object)."""
    doc = _doc(_ocr())
    assert public_read_texts(doc, _pages(), [_box(1, 0.9, 0.9, 0.05)], {}) is doc
    plain = _doc(TextVersion("en", TextKind.ORIGINAL, "Smith left."))
    assert public_read_texts(plain, _pages(), [_box(1, 0.0, 0.0, 1.0)], {}) is plain


def test_editors_search_finds_the_boxed_runs() -> None:
    """The runs the rule withholds, for the editors' search field."""
    live = [_box(1, 0.0, 0.2, 0.19), _box(2, 0.0, 0.1, 0.09)]
    assert withheld_read_words(_doc(_ocr()), _pages(), live, {}) == ["Smith Jones", "Smith"]
