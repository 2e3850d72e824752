"""The one redaction rule for scan words: nothing under a box, nothing a redaction withholds."""

from __future__ import annotations

from chancery.domain.redactions import Box, Redaction, RedactionKind, RedactionState
from chancery.domain.word_redactions import covered, visible_words
from chancery.domain.words import PageWords, Word

SHA = "a" * 64
OTHER = "b" * 64


def _page(texts: list[str], page: int = 1, media: int = 0) -> PageWords:
    """One line of words, 100 pixels apart, on a 1000 x 1000 page."""
    words = tuple(Word(t, page, 100 * i, 100, 80, 20, media=media) for i, t in enumerate(texts))
    return PageWords(media, page, 1000, 1000, words)


def _texts(pages: list[PageWords]) -> list[list[str]]:
    return [[w.text for w in p.words] for p in pages]


def test_a_word_under_a_box_goes_and_its_neighbours_stay() -> None:
    """A box over part of the second word (same pixel measure as the burn) drops it only."""
    box = Redaction(RedactionKind.BOX, "(b)(6)", media=SHA, page=1, box=Box(0.12, 0.09, 0.05, 0.02))
    seen = visible_words([_page(["Agent", "Smith", "left"])], [SHA], [box], [])
    assert _texts(seen) == [["Agent", "left"]]


def test_a_box_on_another_page_or_file_or_lifted_leaves_the_words() -> None:
    """Only the box's own page of its own file; a removed box withholds nothing."""
    pages = [_page(["Agent", "Smith"]), _page(["Agent", "Smith"], page=2)]
    area = Box(0.0, 0.0, 1.0, 1.0)
    boxes = [Redaction(RedactionKind.BOX, "x", media=SHA, page=2, box=area),
             Redaction(RedactionKind.BOX, "x", media=OTHER, page=1, box=area),
             Redaction(RedactionKind.BOX, "x", media=SHA, page=1, box=area,
                       state=RedactionState.REMOVED)]
    assert _texts(visible_words(pages, [SHA], boxes, [])) == [["Agent", "Smith"], []]


def test_withheld_words_go_wherever_they_stand_in_any_case() -> None:
    """A phrase across a line and a page break, in capitals, and inside a longer word."""
    pages = [_page(["the", "QUOKKA"]), _page(["Source,", "met", "Quokkaville"], page=2)]
    seen = visible_words(pages, [SHA], [], ["quokka source", "Quokka"])
    assert _texts(seen) == [["the"], ["met"]]


def test_a_file_whose_text_layer_is_withheld_keeps_no_words() -> None:
    """A box-less BOX redaction (another document withholds words of the shared file)."""
    shared = Redaction(RedactionKind.BOX, "(b)(6)", media=OTHER)
    pages = [_page(["Agent", "Smith"]), _page(["Agent", "Smith"], media=1)]
    assert _texts(visible_words(pages, [SHA, OTHER], [shared], [])) == [["Agent", "Smith"], []]


def test_covered_finds_each_word_of_a_match() -> None:
    """The indexes of every word a match touches, and none it does not."""
    words = [Word(t, 1, 0, 0, 1, 1) for t in ("a", "bb", "ccc", "bb", "dd")]
    assert covered(words, ["b CC"]) == {1, 2}
    assert covered(words, ["bb", "  "]) == {1, 3}
