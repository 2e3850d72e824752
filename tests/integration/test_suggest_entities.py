"""The entities stage on real material: FRUS text, the JFK scans' OCR, a Russian decree, and
names linked to a real catalogue's authority records (spaCy and natasha load once here)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from chancery.bootstrap import App
from chancery.domain.suggestions import Finding, Kind
from chancery.services.imports import import_paths
from chancery.services.known_names import KnownNames
from chancery.suggest import entities
from chancery.suggest.linking import KnownNames as KnownNamesType
from tests.conftest import CORPUS, need

OCR = CORPUS / "scans" / "reference-ocr"
# FRUS 1961-63 v. V, document 7 (dateline, paragraph; heading and source note left out).
FRUS_D7 = (
    "At a meeting of senior foreign policy advisers on January 17, 1961, Secretary of State "
    "Christian Herter asked his Special Assistant Charles Bohlen to explain Soviet intentions in "
    "Laos in light of the USSR's airlifting of weapons and other supplies to rebels in Laos "
    "attempting to overthrow the Royal Lao Government. According to a memorandum of the "
    "conversation, Bohlen replied that the \u201cSoviets don't want to turn the Lao situation into "
    "a large operation. He [Bohlen] agrees with Ambassador Thompson that the Soviets are not "
    "seeking a complete victory.\u201d Following the Communist meeting in Moscow last November, "
    "the Soviets probably have to demonstrate their Bolshevik revolutionary zeal. In subsequent "
    "days Kennedy and his advisers discussed several times how the United States could save Laos.")


@dataclass(frozen=True)
class Context:
    """What the pipeline hands the stage."""

    language: str = "en"
    known_names: KnownNamesType | None = None


def _values(found: list[Finding], kind: Kind) -> set[str]:
    return {f.value for f in found if f.kind is kind}


def test_frus_text_gives_its_people_and_places_once_each() -> None:
    """Bohlen printed three times is one person; Herter, Thompson and Kennedy are people;
    Laos and Moscow are places."""
    found = entities.find(FRUS_D7, Context())
    people = _values(found, Kind.PERSON)
    assert {"Christian Herter", "Charles Bohlen", "Thompson", "Kennedy"} <= people
    assert not any(p in people for p in ("Bohlen", "Herter"))  # folded into the full names
    assert {"Laos", "Moscow"} <= _values(found, Kind.PLACE)
    bohlen = next(f for f in found if f.value == "Charles Bohlen")
    assert int(bohlen.data["mentions"]) >= 3 and bohlen.authority_key == ""
    assert FRUS_D7[bohlen.start:bohlen.end] == bohlen.evidence == "Charles Bohlen"


def test_the_jfk_release_stamp_and_routing_words_give_no_names() -> None:
    """A CIA dispatch's OCR: no Kennedy from the release stamp, no SECRET, CITE or DIR,
    but the people it names."""
    path = OCR / "104-10072-10227_ocr.txt"
    need(path.exists(), "the JFK reference OCR is missing")
    text = path.read_text(encoding="utf-8")
    assert "KENNEDY ASSASSINATION" in text
    found = entities.find(text, Context())
    names = {f.value.upper() for f in found}
    assert not names & {"SECRET", "CITE", "DIR", "JOHN F. KENNEDY", "F. KENNEDY",
                        "DISSEMINATION CONTROLS", "OBJECTION"}
    assert all(f.start < 0 or "KENNEDY ASSASSINATION" not in text[f.start:f.end + 20]
               for f in found)


def test_the_stamp_kennedy_is_dropped_but_a_text_s_kennedy_kept() -> None:
    """The release stamp's President is not a person of the document; the President the
    text speaks of is."""
    path = OCR / "180-10143-10227_ocr.txt"
    need(path.exists(), "the JFK reference OCR is missing")
    stamp = "2025 RELEASE UNDER THE PRESIDENT JOHN F. KENNEDY ASSASSINATION RECORDS ACT OF 1992"
    assert stamp in path.read_text(encoding="utf-8")
    text = stamp + "\n\nSECRET\n\nMr. Helms said the assassination of President Kennedy was discussed."
    found = entities.find(text, Context())
    kennedy = [f for f in found if "KENNEDY" in f.value.upper()]
    assert [f.evidence for f in kennedy] == ["Kennedy"] and kennedy[0].start > len(stamp)
    assert "Helms" in _values(found, Kind.PERSON)


def test_a_russian_decree_gives_its_people_in_the_nominative() -> None:
    """natasha on an official Russian text: people with their names normalised, places."""
    path = CORPUS / "official-ru" / "18376.txt"
    need(path.exists(), "the Russian corpus is missing")
    found = entities.find(path.read_text(encoding="utf-8")[:3000], Context(language="ru"))
    people = _values(found, Kind.PERSON)
    assert {"Албогачиев М.О.", "Абрамов С.А.", "Коновальчик П.Б."} <= people
    assert "Российская Федерация" in _values(found, Kind.PLACE)


def _archive(app: App, folder: Path) -> None:
    folder.mkdir(parents=True)
    authorities = [
        # no Cyrillic variant: the archive would add "Khruschev" among its romanisations
        {"ref": "nsk", "kind": "person", "name": "Khrushchev, Nikita S."},
        {"ref": "msk", "kind": "place", "name": "Moscow"},
        {"ref": "kon", "kind": "person", "name": "Adenauer, Konrad"}]
    (folder / "bundle.yaml").write_text(yaml.safe_dump(
        {"format": "chancery-bundle", "version": 1, "authorities": authorities},
        allow_unicode=True))
    (folder / "d1.yaml").write_text(yaml.safe_dump(
        {"public_id": "d1", "title": "A note", "type": "memorandum", "date": "1960-01-01",
         "authors": ["nsk"], "mentioned": ["msk", "kon"],
         "texts": [{"language": "en", "file": "d1.en.txt"}]}))
    (folder / "d1.en.txt").write_text("A note.\n")
    result = import_paths([folder], app.import_context())
    assert not result.failed, result.failed


def test_names_link_to_the_catalogue_by_spelling_variant_and_sound(sqlite_app: App,
                                                                   tmp_path: Path) -> None:
    """Against a real archive: "Khruschev" finds Khrushchev's record by sound, Moscow by
    spelling, Хрущёв through its romanisation (a variant); an unknown name is new."""
    _archive(sqlite_app, tmp_path / "bundle")
    ctx = Context(known_names=KnownNames(sqlite_app.catalogue))
    found = {f.value: f for f in entities.find(
        "Mr. Khruschev told Ambassador Llewellyn Thompson in Moscow that Khruschev's "
        "patience was ending.", ctx)}
    khrushchev = found["Khrushchev, Nikita S."]
    assert khrushchev.authority_key and khrushchev.data["link"] == "sound"
    assert khrushchev.evidence == "Khruschev" and khrushchev.data["mentions"] == "2"
    assert found["Moscow"].data["link"] == "spelling" and found["Moscow"].authority_key
    assert found["Llewellyn Thompson"].authority_key == ""
    assert found["Llewellyn Thompson"].data["link"] == "new"
    russian = entities.find("Председатель Совета министров СССР Н.С. Хрущёв прибыл в Москву.",
                            Context("ru", ctx.known_names))
    assert [(f.value, f.data["link"]) for f in russian if f.kind is Kind.PERSON] == [
        ("Khrushchev, Nikita S.", "variant")]


def test_german_names_come_only_from_the_archive(sqlite_app: App, tmp_path: Path) -> None:
    """No German model: capitalised words are looked up, and only known names suggested."""
    _archive(sqlite_app, tmp_path / "bundle")
    ctx = Context("de", KnownNames(sqlite_app.catalogue))
    found = entities.find("Bundeskanzler Adenauer traf in Moskau den Botschafter Kroll.", ctx)
    # Moskau is known too: the import laid the gazetteer's exonyms onto the archive (#13)
    assert [(f.kind, f.value) for f in found] == [(Kind.PERSON, "Adenauer, Konrad"),
                                                   (Kind.PLACE, "Moscow")]
    assert entities.find("Adenauer traf Kroll.", Context("de")) == []


def test_chinese_names_come_only_from_the_archive(sqlite_app: App, tmp_path: Path) -> None:
    """No Chinese recogniser: a surname-led or office-ending run the archive knows is found."""
    folder = tmp_path / "zh"
    folder.mkdir()
    (folder / "bundle.yaml").write_text(yaml.safe_dump(
        {"format": "chancery-bundle", "version": 1, "authorities": [
            {"ref": "zel", "kind": "person", "name": "Zhou Enlai",
             "variants": [{"name": "周恩来", "source": "original-script", "language": "zh"}]},
            {"ref": "gwy", "kind": "organization", "name": "国务院"}]}, allow_unicode=True))
    (folder / "d1.yaml").write_text(yaml.safe_dump(
        {"public_id": "z1", "title": "A note", "type": "memorandum", "date": "1960-01-01",
         "authors": ["zel"], "mentioned": ["gwy"],
         "texts": [{"language": "en", "file": "d1.en.txt"}]}))
    (folder / "d1.en.txt").write_text("A note.\n")
    assert not import_paths([folder], sqlite_app.import_context()).failed
    ctx = Context("zh", KnownNames(sqlite_app.catalogue))
    found = entities.find("一九五八年，周恩来总理向国务院报告。", ctx)
    assert {(f.kind, f.value) for f in found} == {(Kind.PERSON, "Zhou Enlai"),
                                                  (Kind.ORGANIZATION, "国务院")}
