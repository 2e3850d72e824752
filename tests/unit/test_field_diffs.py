"""A revision's diff as a person reads it (domain/field_diffs): fields as old and new, groups
opened to the parts that changed, text versions by key, long texts as their changed lines."""

from __future__ import annotations

from chancery.domain.field_diffs import MAX_LINES, FieldDiff, Line, field_diffs


def _text(body: str, key: str = "en-transcription", **more: object) -> dict[str, object]:
    return {"key": key, "language": "en", "kind": "transcription", "body": body, **more}


def test_a_title_is_its_old_and_new_value() -> None:
    """A short field is one row, before and after; nothing written as ""."""
    assert field_diffs({"title": ["Telegram 1", "Telegram One"], "summary": [None, "New."]}) == [
        FieldDiff("title", "Telegram 1", "Telegram One"), FieldDiff("summary", "", "New.")]


def test_a_group_shows_only_the_parts_that_changed() -> None:
    """The date and the provenance open to their changed parts; an empty value and a
    missing one are no change."""
    old = {"display": "1 May 1961", "start": "1961-05-01", "note": ""}
    new = {"display": "2 May 1961", "start": "1961-05-02"}
    assert field_diffs({"date": [old, new], "provenance": [{"rights": ""}, {}]}) == [
        FieldDiff("date.display", "1 May 1961", "2 May 1961"),
        FieldDiff("date.start", "1961-05-01", "1961-05-02")]


def test_a_text_is_the_lines_that_changed_with_context() -> None:
    """One line changed of twenty: the removed and the added line, a line either side, the
    unchanged lines left out counted; its label beside it as a field."""
    body = [f"line {n}" for n in range(20)]
    changed = [*body[:10], "line ten", *body[11:]]
    rows = field_diffs({"texts": [[_text("\n".join(body))],
                                  [_text("\n".join(changed), label="Transcription")]]})
    assert rows == [
        FieldDiff("texts[en-transcription].body", lines=(
            Line("gap", "… 9 unchanged lines"), Line("same", "line 9"),
            Line("removed", "line 10"), Line("added", "line ten"), Line("same", "line 11"),
            Line("gap", "… 8 unchanged lines"))),
        FieldDiff("texts[en-transcription].label", "", "Transcription")]


def test_text_versions_are_matched_by_key() -> None:
    """A version added beside an unchanged one is the new version's rows alone; its body,
    even of one line, as added lines."""
    kept = _text("Kept.")
    rows = field_diffs({"texts": [[kept], [kept, _text("Neu.", "de-translation",
                                                        language="de")]]})
    assert [r.name for r in rows] == ["texts[de-translation].key",
                                      "texts[de-translation].language",
                                      "texts[de-translation].kind",
                                      "texts[de-translation].body"]
    assert rows[-1].lines == (Line("added", "Neu."),)


def test_a_long_new_text_is_cut_and_the_rest_counted() -> None:
    """An imported body of 500 lines shows MAX_LINES of them and counts the others."""
    body = "\n".join(f"line {n}" for n in range(500))
    row = field_diffs({"summary": [None, body]})[0]
    assert len(row.lines) == MAX_LINES and row.more == 500 - MAX_LINES
    assert row.lines[0] == Line("added", "line 0")


def test_lists_of_records_are_a_line_each() -> None:
    """A collection added is one added line; the one kept stays as context."""
    old = [{"key": "box-1", "position": 0}]
    row = field_diffs({"collections": [old, [*old, {"key": "box-2", "position": 1}]]})[0]
    assert row.lines == (Line("same", "key: box-1; position: 0"),
                         Line("added", "key: box-2; position: 1"))
