"""The pipeline: stages in order, the release stamp's words hidden from the others, each
stage's findings kept by content hash and stage version."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from chancery.domain.suggestions import Finding, Kind
from chancery.suggest import pipeline
from chancery.suggest.cache import FileCache
from chancery.suggest.context import SuggestContext

STAMP = ("| 2025 RELEASE\n\nUNDER THE PRESIDENT JOHN F. KENNEDY ASSASSINATION\n\n"
         "RECORDS ACT OF 1992 |\n\nMEMORANDUM FOR: Chief, WH Division\n\nSUBJECT: Travel\n\n"
         "1. The subject travelled to Mexico City in the autumn and was seen there twice.\n")


def _counting_stage(calls: list[str], version: str = "1") -> SimpleNamespace:
    def find(text: str, ctx: SuggestContext) -> list[Finding]:
        calls.append(text)
        return [Finding(Kind.SUMMARY, text[:5], 0.5, stage=f"count/{version}")]
    return SimpleNamespace(NAME="count", VERSION=version, find=find)


def test_the_release_stamp_is_a_release_not_the_date_nor_an_author() -> None:
    """2025 and 1992 are the release and the law, not the document's date; Kennedy is no
    sender or recipient; the stamp's words are blanked for the later stages."""
    found = pipeline.suggest(STAMP)
    kinds = {f.kind for f in found}
    assert Kind.RELEASE in kinds and Kind.DATE not in kinds
    release = next(f for f in found if f.kind is Kind.RELEASE)
    assert release.data["start"] == "2025-01-01" and release.confidence >= 0.9
    names = " ".join(f.value for f in found if f.kind in (Kind.FROM, Kind.TO))
    assert "Chief, WH Division" in names and "KENNEDY" not in names.upper()


def test_the_language_found_is_handed_to_the_later_stages() -> None:
    """The language stage runs before the others and fills the context they read."""
    seen: list[str] = []
    stage = SimpleNamespace(NAME="probe", VERSION="1",
                            find=lambda text, ctx: seen.append(ctx.language) or [])
    pipeline.suggest("Совершенно секретно. Москва, 2 августа 1958 г. Посол сообщил о встрече.",
                     stages=[*pipeline.STAGES, stage])
    assert seen == ["ru"]


def test_each_stage_is_cached_by_content_and_version(tmp_path: Path) -> None:
    """A text read before is not read again; a new stage version reads it afresh."""
    cache, calls = FileCache(tmp_path / "derived" / "suggestions"), []
    first = pipeline.suggest("A text.", cache=cache, stages=[_counting_stage(calls)])
    again = pipeline.suggest("A text.", cache=cache, stages=[_counting_stage(calls)])
    assert first == again and len(calls) == 1
    pipeline.suggest("A text.", cache=cache, stages=[_counting_stage(calls, "2")])
    pipeline.suggest("Another.", cache=cache, stages=[_counting_stage(calls, "2")])
    assert len(calls) == 3
    assert list((tmp_path / "derived" / "suggestions").rglob("*-count-1.json"))


def test_an_unreadable_cache_file_is_read_again(tmp_path: Path) -> None:
    """A broken cache file costs a re-read, never a failure."""
    cache, calls = FileCache(tmp_path), []
    pipeline.suggest("A text.", cache=cache, stages=[_counting_stage(calls)])
    for path in tmp_path.rglob("*.json"):
        path.write_text("{not json")
    assert pipeline.suggest("A text.", cache=cache, stages=[_counting_stage(calls)])
    assert len(calls) == 2
