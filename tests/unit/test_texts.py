"""Text versions as readers see them: labels made from language and kind, cited documents."""

from __future__ import annotations

import pytest

from chancery.domain.texts import TextKind, TextVersion, cited_numbers, sibling_source_id


@pytest.mark.parametrize(("language", "kind", "label"), [
    ("en", TextKind.OCR, "English (OCR)"), ("ru", TextKind.ORIGINAL, "Russian (original)"),
    ("en", TextKind.TRANSLATION, "English (translation)"), ("zh-Hans", TextKind.ORIGINAL,
                                                           "Chinese (original)"),
    ("und", TextKind.OCR, "Text (OCR)")])
def test_a_version_without_a_label_is_named_by_language_and_kind(
        language: str, kind: TextKind, label: str) -> None:
    assert TextVersion(language, kind).shown_label == label


def test_a_given_label_wins() -> None:
    assert TextVersion("de", label="German translation").shown_label == "German translation"


def test_only_ocr_counts_as_machine_read() -> None:
    assert TextVersion("en", TextKind.OCR).is_machine_read
    assert not TextVersion("en", TextKind.TRANSLATION).is_machine_read


def test_a_note_cites_documents_of_its_series_by_number() -> None:
    assert cited_numbers("See Document 303 and Document 12; documents 4 are not.") == {"303", "12"}
    assert sibling_source_id("frus1958-60v19/d3", "303") == "frus1958-60v19/d303"
    assert sibling_source_id("nara-jfk/104-10216-10046", "303") == ""
