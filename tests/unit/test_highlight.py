"""Highlights as readers see them: merged words, no stray Chinese characters, exact windows."""

from __future__ import annotations

from chancery.search.grammar import parse_query
from chancery.search.highlight import (
    aligned_snippet,
    fragments,
    han_snippet,
    han_words,
    min_han_run,
)
from chancery.search.interface import Fragment


def _b(text: str, sub: str) -> tuple[int, int]:
    start = len(text[:text.index(sub)].encode())
    return start, start + len(sub.encode())


def test_adjacent_ranges_merge_into_one_highlight() -> None:
    """外 交 部 highlighted separately by the engine come out as one word."""
    text = "中华人民共和国外交部通知"
    ranges = [_b(text, "外"), _b(text, "交"), _b(text, "部")]
    assert fragments(text, ranges) == (Fragment("中华人民共和国"), Fragment("外交部", True),
                                       Fragment("通知"))


def test_stray_chinese_characters_are_not_highlighted() -> None:
    """A lone 国 matched as part of 国务院 elsewhere is not highlighted; the word is."""
    text = "国家 … 国务院批准"
    ranges = [_b(text, "国"), _b(text, "国务院")]
    shown = fragments(text, ranges, min_han_run(parse_query("国务院")))
    assert [f.text for f in shown if f.highlighted] == ["国务院"]
    assert "".join(f.text for f in shown) == text


def test_han_snippet_highlights_every_occurrence_in_its_window() -> None:
    """The window starts near the first occurrence and marks each one; none means empty."""
    text = "第一条 为了维持社会秩序。" * 3 + "户口登记由公安机关主管。户口登记簿。"
    shown = han_snippet(text, han_words(parse_query("户口登记 -x")), 40)
    assert [f.text for f in shown if f.highlighted] == ["户口登记", "户口登记"]
    assert han_snippet(text, ["外交部"], 40) == ()
    assert han_words(parse_query("Soviet experts")) == []


def test_a_match_in_the_corrected_reading_shows_the_raw_words_in_its_place() -> None:
    """The corrected OCR matched at word 3; the raw text is shown, its word 3 highlighted,
    starting at a whole word, and no word of the correction appears."""
    raw = "UNDER\n\nTHE\n\nThe tests wera perforzod with tho assistance of Mr. Dunn"
    reading = "UNDER\n\nTHE\n\nThe tests were performed with tho assistance of Mr. Dunn"
    at = len(reading[:reading.index("performed")].encode())
    shown = aligned_snippet(raw, reading, [(at, at + len("performed"))], 30)
    assert [f.text for f in shown if f.highlighted] == ["perforzod"]
    text = "".join(f.text for f in shown)
    assert text.startswith("wera perforzod") and "performed" not in text
    assert "were" not in text.split()
