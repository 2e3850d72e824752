"""Words of a PDF's text layer put in reading order by line (domain/words.py), on word boxes
taken from a real scan: 124-10273-10104 p2 (an FBI airtel of 1967), in tenths of a point."""

from __future__ import annotations

from chancery.domain.words import Word, page_text, reading_order

# As the layer stores them: the OCR read the left block ("On 2/7/67 above subject") before
# the line above it, and the right block ("registered in the Travel Inn Motel") after it.
_STORED = [
    ("..", 458, 3117, 61, 142), ("On", 626, 3117, 96, 142), ("mn", 686, 3117, 43, 142),
    ("2/7/87", 845, 3117, 366, 142), ("above", 1356, 3117, 306, 142),
    ("subje", 1798, 3117, 300, 142),
    ("on", 1349, 2992, 86, 142), ("216/67", 1519, 2992, 483, 142), ("(zr", 2112, 2992, 256, 142),
    ("LOUISE", 2494, 2992, 407, 142), ("g", 3048, 2992, 29, 142), ("“LEON,", 3221, 2992, 329, 142),
    ("Bilat,", 3701, 2992, 358, 142), ("seemne", 4114, 2992, 899, 142),
    ("@", 2314, 3154, 30, 122), ("registered", 2462, 3154, 657, 122), ("inte", 3269, 3154, 230, 122),
    ("the", 3626, 3154, 191, 122), ("Travel", 3914, 3154, 376, 122), ("Ifn", 4433, 3154, 162, 122),
    ("Motel", 4714, 3154, 308, 122),
    ("Biloxi.", 624, 3279, 435, 122), ("PCL", 1205, 3283, 162, 122),
    ("stated", 1507, 3285, 383, 122), ("that", 2023, 3288, 238, 122), ("at", 2378, 3290, 96, 122),
    ("time", 2599, 3292, 269, 122), ("of", 2954, 3294, 114, 122),
    ("rooistration,", 3194, 3295, 847, 122), ("sheve", 4138, 3301, 300, 122),
    ("subjects", 4584, 3304, 508, 122),
]


def _words(rows: list[tuple[str, int, int, int, int]]) -> list[Word]:
    return [Word(text, 2, x, y, w, h) for text, x, y, w, h in rows]


def test_blocks_stored_apart_read_as_the_lines_the_page_shows() -> None:
    """The left and right blocks of one typed line are joined, below the line above them."""
    assert page_text(reading_order(_words(_STORED))).split("\n") == [
        "on 216/67 (zr LOUISE g “LEON, Bilat, seemne",
        ".. On mn 2/7/87 above subje @ registered inte the Travel Ifn Motel",
        "Biloxi. PCL stated that at time of rooistration, sheve subjects",
    ]


def test_a_line_a_skewed_scan_tilts_by_more_than_half_a_height_stays_one_line() -> None:
    """The Biloxi line tilted four times as much as on the page (its right end a full word
    height above its left): each word is compared with its neighbour, so the line holds."""
    tilted = [(t, x, 3279 - (x - 624) * 130 // 4460, w, h) for t, x, _, w, h in _STORED[21:]]
    assert page_text(reading_order(_words(tilted))) == (
        "Biloxi. PCL stated that at time of rooistration, sheve subjects")


def test_a_word_wholly_below_the_one_before_starts_a_new_line() -> None:
    """A line whose first word stands right of the last word above still breaks the line."""
    rows = [("SECRET", 600, 100, 300, 100), ("CITE", 2000, 400, 200, 100)]
    assert page_text(_words(rows)) == "SECRET\nCITE"


def test_no_words_no_text() -> None:
    """An empty page reads as nothing."""
    assert reading_order([]) == [] and page_text([]) == ""
