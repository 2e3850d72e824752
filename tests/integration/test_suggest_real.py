"""Suggestions on real material: FRUS documents' visible text (no heading, no source note)
and the text layers of the 2025 JFK release scans (../shared/corpus)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from chancery.domain.suggestions import Finding, Kind
from chancery.domain.texts import NoteKind
from chancery.ingest.base import Limits
from chancery.ingest.frus import FrusImporter
from chancery.suggest.pipeline import suggest
from chancery.suggest.sources import UnreadableFile, read_text
from tests.conftest import CORPUS, need

SCANS = CORPUS / "scans"
LAYERS = SCANS / "reference-ocr"
VOLUME = CORPUS / "frus" / "core" / "frus1958-60v19.xml"


@cache
def _frus_text(source_id: str) -> str:
    """A document's dateline, body, signature and footnotes, as a scan of the page shows them."""
    for batch in FrusImporter().read(VOLUME, Limits(1 << 30, 1000)):
        for parsed in batch.documents:
            if parsed.document.source_id == source_id:
                text = parsed.document.texts[0]
                notes = [f"[{n.mark}] {n.text}" for n in text.notes if n.kind is NoteKind.FOOTNOTE]
                return "\n\n".join([text.body, *notes])
    raise LookupError(source_id)


def _by_kind(found: list[Finding]) -> dict[Kind, list[str]]:
    out: dict[Kind, list[str]] = {}
    for f in found:
        out.setdefault(f.kind, []).append(f.value)
    return out


def test_a_frus_letter_gives_its_date_place_type_and_both_ends() -> None:
    """Herter's letter to Chiang (frus1958-60v19/d3): the dateline's day and place, a letter
    from the signature under "Sincerely yours" to the one the salutation names."""
    need(VOLUME.is_file(), "the FRUS corpus is missing")
    found = suggest(_frus_text("frus1958-60v19/d3"))
    date = next(f for f in found if f.kind is Kind.DATE)
    assert (date.data["start"], date.data["precision"]) == ("1958-02-11", "day")
    kinds = _by_kind(found)
    dateline = [f.value for f in found if f.kind is Kind.PLACE and f.data.get("role") == "dateline"]
    assert dateline == ["Washington"] and kinds[Kind.TYPE] == ["letter"]
    assert kinds[Kind.FROM] == ["Christian A. Herter"] and kinds[Kind.TO] == ["MR. PRESIDENT"]
    assert kinds[Kind.LANGUAGE] == ["en"] and Kind.SUMMARY in kinds


def test_a_frus_memorandum_is_dated_by_its_dateline_not_by_the_dates_it_mentions() -> None:
    """frus1958-60v19/d4 names other days in its body; the dateline's day is the date."""
    need(VOLUME.is_file(), "the FRUS corpus is missing")
    date = next(f for f in suggest(_frus_text("frus1958-60v19/d4")) if f.kind is Kind.DATE)
    assert date.data["start"] == "1958-02-24" and date.confidence >= 0.9


def test_every_jfk_release_stamp_is_a_release_never_a_date_or_a_name() -> None:
    """On each scan's text layer that carries the stamp: one release finding of 2025, no
    document date of 2025 or 1992, and Kennedy neither sender nor recipient."""
    need(LAYERS.is_dir(), "the JFK scans are missing")
    stamped = [p for p in sorted(LAYERS.glob("*.txt")) if "2025 RELEASE" in p.read_text()]
    assert len(stamped) >= 30
    for path in stamped:
        found = suggest(path.read_text())
        [release] = [f for f in found if f.kind is Kind.RELEASE]
        assert release.data["start"] == "2025-01-01", path.name
        dates = [f.data["start"][:4] for f in found if f.kind is Kind.DATE]
        assert not set(dates) & {"2025", "1992"}, path.name
        names = [f.value.upper() for f in found if f.kind in (Kind.FROM, Kind.TO)]
        assert not any("KENNEDY" in n for n in names), path.name


def test_an_fbi_file_is_read_past_its_identification_form() -> None:
    """124-10273-10104: p1, NARA's identification form, describes the whole 102-page record
    (Director FBI to the Secretary of State, 02/16/1967, Secret); the airtel on p2 is what
    the pages are. None of the form's fields is read as the airtel's; where the airtel's own
    date is lost in the OCR, the form's is offered only as the form's, at a low confidence."""
    pdf = SCANS / "124-10273-10104_ocr.pdf"
    need(pdf.is_file(), "the JFK scans are missing")
    text = read_text(pdf)
    assert "RECORD NUMBER" in text.split("\f")[0]
    found = suggest(text)
    form = [f for f in found if f.stage.startswith("cover form/")]
    own = [f for f in found if f not in form]
    assert not [f for f in own if f.kind is Kind.DATE and f.data["start"] == "1967-02-16"]
    assert not [f for f in own if f.kind in (Kind.FROM, Kind.TO) and "FBI" in f.value]
    cover = len(text.split("\f")[0])
    assert all(f.start < 0 or f.start > cover for f in own if f.kind is not Kind.RELEASE)
    assert all(f.confidence <= 0.3 and f.data["from"] == "identification form" for f in form)
    assert [f.value for f in found if f.kind is Kind.TYPE] == ["airtel"]


@pytest.mark.parametrize(("name", "level", "doc_type"), [
    ("177-10002-10092_ocr.txt", "top_secret", None),  # TOP SECRET over a form's other boxes
    ("104-10187-10208_ocr.txt", "secret", "cable"),  # a CIA "CLASSIFIED MESSAGE"
    ("157-10002-10056_ocr.txt", None, "memorandum"),
])
def test_jfk_markings_and_types(name: str, level: str | None, doc_type: str | None) -> None:
    """The stamped level and the form's type, read from the noisy shipped text layer."""
    path = LAYERS / name
    need(path.is_file(), "the JFK scans are missing")
    found = suggest(path.read_text())
    if level:
        assert next(f for f in found if f.kind is Kind.CLASSIFICATION).data["level"] == level
    if doc_type:
        assert next(f for f in found if f.kind is Kind.TYPE).value == doc_type


def test_a_file_that_is_not_a_pdf_is_refused_in_words(tmp_path: Path) -> None:
    """A .pdf that is not one, and a kind of file suggestions cannot read, say so."""
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(b"not a pdf at all")
    with pytest.raises(UnreadableFile, match="not a readable PDF"):
        read_text(fake)
    tiff = tmp_path / "page.tif"
    tiff.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="not a text file or a PDF"):
        read_text(tiff)
