"""The spelling-corrected reading of OCR text: it mends misread words, leaves names, numbers,
stamps and short words as read, and keeps word n of the text at word n."""

from __future__ import annotations

from chancery.ocr.spelling import name_words, respell, respell_ocr
from tests.conftest import CORPUS, need

CARBON = CORPUS / "scans" / "reference-ocr" / "104-10216-10171_ocr.txt"  # a 1964 carbon


def _carbon_line(word: str) -> str:
    need(CARBON.is_file(), f"scans not found at {CARBON}")
    return next(line for line in CARBON.read_text().splitlines() if word in line)


def test_a_real_misread_line_is_mended() -> None:
    """The shipped OCR of the carbon reads "perforuod"; the corrected reading has the word."""
    line = _carbon_line("perforuod")
    fixed = respell(line, "en")
    assert "performed" in fixed.split() and "perforuod" not in fixed


def test_the_names_of_the_carbon_stay_as_read() -> None:
    """Glen Winstead does not become "Glen Instead", nor Earb "Earn": capitalised words are
    names, places or stamps, left as read."""
    line = _carbon_line("Winstead")
    assert "Glen Winstead" in line and "Earb" in line
    assert respell(line, "en") == line


def test_a_lowercase_misreading_is_corrected_unless_the_archive_knows_the_name() -> None:
    """Lowercase, "earb" and "winstead" are misreadings to the dictionary; a name in the
    archive's authority records protects its spelling (case aside)."""
    assert respell("janes earb and glen winstead", "en") == "james earn and glen instead"
    known = name_words(["Glen Winstead", "Earb, James"])
    assert respell("janes earb and glen winstead", "en", known) == "james earb and glen winstead"
    assert respell_ocr("glen winstead", "en", ("Glen Winstead",)) == "glen winstead"


def test_numbers_dates_stamps_codes_and_short_words_stay() -> None:
    """Digits (a date, a year misread "l964"), all-caps stamps and routing codes, and words of
    under four letters are not the dictionary's to change."""
    text = "SECRET 25 May 64 l964 C/WH/SA TSD/ED tho erd sot 2X"
    assert respell(text, "en") == text


def test_word_n_stays_word_n() -> None:
    """Corrections replace words in place: same words, same separators (snippets rely on it)."""
    need(CARBON.is_file(), f"scans not found at {CARBON}")
    text = CARBON.read_text()
    fixed = respell(text, "en")
    assert fixed != text
    assert len(fixed.split()) == len(text.split())
    assert fixed.count("\n") == text.count("\n")


def test_other_languages_are_left_alone() -> None:
    """Only English has a dictionary: German, Russian or unknown text comes back as it was."""
    for text, language in [("Dle Verhandlungen wurdn abgebrochen", "de"),
                           ("Совершенно секретно", "ru"), ("perforuod", "xx")]:
        assert respell(text, language) == text
    assert respell("perforuod", "en-US") == "performed"
