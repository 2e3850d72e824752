"""The public view of a redacted document (domain/redactions.py)."""

from __future__ import annotations

import pytest

from chancery.domain.authorities import Link, Role
from chancery.domain.documents import Document
from chancery.domain.media import MediaFile
from chancery.domain.redactions import (
    BadRedaction,
    Box,
    Redaction,
    RedactionKind,
    RedactionState,
    occurrences,
    parse_box,
    public_view,
    redacted_key,
)
from chancery.domain.texts import Note, TextVersion

SHA = "a" * 64


def _doc() -> Document:
    text = TextVersion("en", body="Agent John\nSmith met SMITH's wife.\n\nSmith left.",
                       notes=(Note("1", "Smith was the source."),))
    other = TextVersion("ru", body="Смит")
    return Document("p1", "Letter from Smith", summary="About Smith.", texts=(text, other),
                    links=(Link("smith", Role.AUTHOR, "J. Smith"), Link("jones", Role.RECIPIENT)),
                    media=(MediaFile(SHA, "scan.pdf", "application/pdf", 10, 2),))


def test_text_redaction_covers_every_occurrence_across_lines_and_case_in_one_version() -> None:
    r = Redaction(RedactionKind.TEXT, "privacy", text="John Smith", version="en-original")
    seen = public_view(_doc(), [r, Redaction(RedactionKind.TEXT, "(b)(6)", text="smith",
                                             version="en-original")])
    body = seen.texts[0].body
    assert "Smith" not in body and "SMITH" not in body and "John" not in body
    assert body.startswith("Agent [redacted: privacy] met [redacted: (b)(6)]'s wife.")
    assert "Smith" not in seen.texts[0].notes[0].text
    assert seen.texts[1].body == "Смит"  # another version is left as it is
    assert seen.title == "Letter from Smith"  # a text redaction is not a field redaction


def test_field_redactions_cover_words_whole_fields_and_links() -> None:
    rs = [Redaction(RedactionKind.FIELD, "privacy", text="Smith", field="title"),
          Redaction(RedactionKind.FIELD, "(b)(1)", field="summary"),
          Redaction(RedactionKind.FIELD, "privacy", field="link:smith")]
    seen = public_view(_doc(), rs)
    assert seen.title == "Letter from [redacted: privacy]"
    assert seen.summary == "[redacted: (b)(1)]"
    assert [lk.ref for lk in seen.links] == ["jones"]


def test_a_removed_redaction_no_longer_applies_but_a_requested_removal_still_does() -> None:
    base = Redaction(RedactionKind.FIELD, "privacy", field="summary")
    pending = Redaction(RedactionKind.FIELD, "privacy", field="summary",
                        state=RedactionState.REMOVAL_REQUESTED)
    removed = Redaction(RedactionKind.FIELD, "privacy", field="summary",
                        state=RedactionState.REMOVED)
    assert public_view(_doc(), [base]).summary == "[redacted: privacy]"
    assert public_view(_doc(), [pending]).summary == "[redacted: privacy]"
    assert public_view(_doc(), [removed]).summary == "About Smith."


def test_a_scan_with_boxes_gets_a_new_public_key_that_changes_with_the_boxes() -> None:
    box = Box(0.1, 0.1, 0.2, 0.05)
    r = Redaction(RedactionKind.BOX, "(b)(3)", media=SHA, page=2, box=box)
    key = public_view(_doc(), [r]).media[0].sha256
    assert key != SHA and len(key) == 64
    assert key == redacted_key(SHA, [(2, box)])
    assert key != redacted_key(SHA, [(1, box)])


def test_boxes_parse_from_pixels_and_percent_and_cover_whole_pixels() -> None:
    assert parse_box("pct:10,20,30,40") == Box(0.1, 0.2, 0.3, 0.4)
    assert parse_box("100,200,300,400", 1000, 2000) == Box(0.1, 0.1, 0.3, 0.2)
    assert Box(0.1, 0.1, 0.3, 0.2).pixels(333, 333) == (33, 33, 134, 100)
    for bad in ("1,2,3", "pct:90,0,20,10", "a,b,c,d", "pct:0,0,0,10"):
        with pytest.raises(BadRedaction):
            parse_box(bad, 100, 100)
    with pytest.raises(BadRedaction):
        parse_box("1,2,3,4")  # pixels without the page's size


def test_occurrences_counts_as_the_redaction_matches() -> None:
    assert occurrences("Smith and smith and S mith", "SMITH") == 2
