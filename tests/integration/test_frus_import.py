"""The real FRUS corpus (../shared/corpus/frus): all 42 volumes import whole, and documents
carry the fields their TEI states.

Every expected value is computed from the TEI with lxml and XPath (``frus_tei``), not with
the importer's code. All 42 volumes are imported once into a SQLite archive and the 9 core
volumes once into PostgreSQL (module-scoped fixtures; the module takes about 35 s)."""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.authorities import Role, fold, name_tokens
from chancery.domain.classification import Level
from chancery.domain.documents import DocumentType
from chancery.domain.publication import Actor
from chancery.domain.texts import NoteKind
from chancery.services.clock import today
from chancery.services.documents import list_documents, show_document
from chancery.services.imports import ImportSummary, import_paths
from chancery.storage.interface import LinkedAuthority, StoredDocument
from tests.conftest import CORPUS, PG_URL, _reset_postgres, need
from tests.integration.frus_tei import (
    Expected,
    Volume,
    expected_fields,
    first_citing,
    marking_sentence,
    read_volume,
    xpath,
)

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

FRUS = CORPUS / "frus"
SEED, SAMPLE_SIZE = 1958, 18
# Documents chosen for what they show: a letter with signer (d3); gloss senders and a
# source note inside the dateline (v09/d110); an untyped source note and "undated"
# (v10p2/d3); a date range (v19/d301); a second source note for an attachment (v18/d27);
# two senders and two signers (v06/d3); a sender without a List of Persons entry (v08/d95);
# a month-only date (v03/d6); a UTC time (v15/d105).
KNOWN = ("frus1958-60v19/d3", "frus1958-60v09/d110", "frus1958-60v10p2/d3", "frus1958-60v19/d301",
         "frus1958-60v18/d27", "frus1961-63v06/d3", "frus1958-60v08/d95", "frus1961-63v03/d6",
         "frus1964-68v15/d105")
SUPPLEMENTS = ("frus1961-63v07-09mSupp", "frus1961-63v10-12mSupp")
REIMPORTED = "frus1961-63v06"


# --- what the TEI says -----------------------------------------------------------------

@pytest.fixture(scope="module")
def tei() -> dict[str, Volume]:
    """Every volume of the corpus, read once with lxml."""
    need(FRUS.is_dir(), f"FRUS corpus not found at {FRUS}")
    return {v.id: v for v in map(read_volume, sorted(FRUS.glob("*/*.xml")))}


@pytest.fixture(scope="module")
def sample(tei: dict[str, Volume]) -> list[Expected]:
    """The known documents plus a seeded random sample of historical documents."""
    pool = [f"{v.id}/{d}" for v in tei.values() for d in v.dated]
    chosen = list(KNOWN) + sorted(random.Random(SEED).sample(pool, SAMPLE_SIZE))
    by_volume: dict[str, list[str]] = {}
    for source_id in dict.fromkeys(chosen):
        volume, xml_id = source_id.split("/")
        by_volume.setdefault(volume, []).append(xml_id)
    out = []
    for volume, ids in by_volume.items():
        root = etree.parse(str(tei[volume].path)).getroot()
        out += [expected_fields(root, xpath(root, "//tei:div[@xml:id=$i]", i=i)[0], volume)
                for i in ids]
    return out


# --- the archives -----------------------------------------------------------------------

@dataclass
class Archive:
    """An archive with FRUS volumes imported once, and what the import reported."""

    backend: str
    app: App
    summary: ImportSummary
    volumes: set[str]

    def show(self, ident: str) -> StoredDocument:
        """A stored document, which must be there."""
        stored = show_document(self.app.catalogue, ident, Actor.EDITOR)
        assert stored is not None, f"{ident} not stored on {self.backend}"
        return stored

    def listed(self, collection: str) -> list[Any]:
        """Every document in a collection and the collections below it."""
        return list_documents(self.app.catalogue, Actor.EDITOR, collection, limit=100_000)


def _build(path: Path, url: str) -> App:
    return build_app(load_settings(data=str(path / "data"), database_url=url))


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory: pytest.TempPathFactory,
                   tei: dict[str, Volume]) -> Iterator[Archive]:
    """All 42 volumes in one SQLite archive."""
    app = _build(tmp_path_factory.mktemp("frus-sqlite"), "")
    summary = import_paths([FRUS / "core", FRUS / "scale"], app.import_context())
    yield Archive("sqlite", app, summary, set(tei))
    app.catalogue.dispose()


@pytest.fixture(scope="module")
def postgresql_archive(tmp_path_factory: pytest.TempPathFactory,
                       tei: dict[str, Volume]) -> Iterator[Archive]:
    """The 9 core volumes in PostgreSQL."""
    need(bool(PG_URL), "PostgreSQL not configured: set CHANCERY_TEST_PG_URL")
    _reset_postgres(PG_URL)
    app = _build(tmp_path_factory.mktemp("frus-pg"), PG_URL)
    summary = import_paths([FRUS / "core"], app.import_context())
    yield Archive("postgresql", app, summary, {p.stem for p in (FRUS / "core").glob("*.xml")})
    app.catalogue.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def archive(request: pytest.FixtureRequest) -> Archive:
    """The SQLite archive (42 volumes) and the PostgreSQL one (9 core volumes)."""
    found: Archive = request.getfixturevalue(f"{request.param}_archive")
    return found


def _pairs(archive: Archive, sample: list[Expected]) -> list[tuple[Expected, StoredDocument]]:
    chosen = [e for e in sample if e.source_id.split("/")[0] in archive.volumes]
    assert len(chosen) >= 5, "too few sampled documents in this archive"
    return [(e, archive.show(e.source_id)) for e in chosen]


def _links(stored: StoredDocument, *roles: Role) -> list[LinkedAuthority]:
    return [la for la in stored.authorities if la.role in roles]


# --- 1. every volume, every document -----------------------------------------------------

def test_tei_counts_agree_with_the_corpus_manifest(tei: dict[str, Volume]) -> None:
    """The XPath counts this module relies on equal the corpus's published counts."""
    with (FRUS / "manifest.tsv").open(encoding="utf-8") as fh:
        manifest = {r["vol"]: (int(r["docs"]), int(r["editorial_notes"]))
                    for r in csv.DictReader(fh, delimiter="\t")}
    assert {v.id: (len(v.documents), len(v.editorial)) for v in tei.values()} == manifest
    assert len(tei) == 42
    assert sum(len(v.documents) for v in tei.values()) == 14_987


def test_every_volume_imports_without_failures(archive: Archive, tei: dict[str, Volume]) -> None:
    """Each volume lands whole: no failure, one new document per div[@type="document"]."""
    expected = sum(len(tei[v].documents) for v in archive.volumes)
    s = archive.summary
    assert s.failed == []
    assert (s.imported, s.updated, s.unchanged, s.files) == (expected, 0, 0, len(archive.volumes))
    assert archive.app.catalogue.count_documents(Actor.EDITOR, today()) == expected


def test_each_volume_collection_holds_exactly_its_tei_documents(
        archive: Archive, tei: dict[str, Volume]) -> None:
    """Per volume, the stored documents are exactly the TEI's document divs, by count and id."""
    counts = dict(archive.app.catalogue.counts_by("collection", Actor.EDITOR, today()))
    wrong = {}
    for v in sorted(archive.volumes):
        stored = sorted(s.source_id for s in archive.listed(f"frus/{v}"))
        expected = sorted(f"{v}/{d}" for d in tei[v].documents)
        if counts.get(f"frus/{v}") != len(expected) or stored != expected:
            wrong[v] = (counts.get(f"frus/{v}"), len(stored), len(expected))
    assert wrong == {}


# --- 2. fields of sampled documents -------------------------------------------------------

def test_titles_are_the_heading_without_number_or_footnotes(
        archive: Archive, sample: list[Expected]) -> None:
    """Title = the document's head, without its printed number and its notes."""
    wrong = {e.source_id: (s.document.title, e.title) for e, s in _pairs(archive, sample)
             if s.document.title != e.title}
    assert wrong == {}


def test_dates_come_from_the_dateline(archive: Archive, sample: list[Expected]) -> None:
    """Start, end and display of the date are those of dateline//date (@when or @from/@to)."""
    pairs = [(e, s) for e, s in _pairs(archive, sample) if e.date]
    assert len(pairs) >= 5
    wrong = {e.source_id: (got, e.date) for e, s in pairs
             if (got := (s.document.date.start, s.document.date.end, s.document.date.display))
             != e.date}
    assert wrong == {}


def test_place_of_origin_is_the_dateline_place(archive: Archive, sample: list[Expected]) -> None:
    """The first dateline placeName is the one place of origin; no place, no origin link."""
    wrong = {}
    for e, s in _pairs(archive, sample):
        got = [(la.authority.kind.value, la.as_written, fold(la.authority.name))
               for la in _links(s, Role.ORIGIN)]
        expected = [("place", e.place, fold(e.place))] if fold(e.place) else []  # not "[?]"
        if got != expected:
            wrong[e.source_id] = (got, expected)
    assert wrong == {}


def test_senders_and_recipients_come_from_the_heading(
        archive: Archive, sample: list[Expected]) -> None:
    """head persName/gloss @type from|to become author/recipient links, as printed."""
    pairs = _pairs(archive, sample)
    assert sum(bool(e.agents) for e, _ in pairs) >= 5
    wrong = {}
    for e, s in pairs:
        got = {(la.role, la.authority.kind.value, la.as_written)
               for la in _links(s, Role.AUTHOR, Role.RECIPIENT)}
        if got != e.agents:
            wrong[e.source_id] = (sorted(got), sorted(e.agents))
    assert wrong == {}


def test_listed_senders_are_linked_to_their_list_of_persons_entry(
        archive: Archive, sample: list[Expected]) -> None:
    """A sender or recipient with @corresp is the authority holding that List of Persons id."""
    catalogue, checked, wrong = archive.app.catalogue, 0, {}
    for e, s in _pairs(archive, sample):
        for la in _links(s, Role.AUTHOR, Role.RECIPIENT):
            if la.as_written in e.listed:
                checked += 1
                (record,) = catalogue.authority_records([la.authority.key])
                if e.listed[la.as_written] not in record.source_ids:
                    wrong[e.source_id] = (la.authority.name, e.listed[la.as_written])
    assert checked >= 10
    assert wrong == {}


def test_source_note_is_the_provenance(archive: Archive, sample: list[Expected]) -> None:
    """The source note, as printed, is the provenance note and the text's SOURCE note;
    the holding archive is the citation's first part ("Department of State", ...)."""
    pairs = [(e, s) for e, s in _pairs(archive, sample) if e.source_note]
    assert len(pairs) >= 5
    wrong = {}
    for e, s in pairs:
        p = s.document.provenance
        sources = [n.text for t in s.document.texts for n in t.notes if n.kind is NoteKind.SOURCE]
        citation = re.sub(r"^\[?source:\s*", "", e.source_note, flags=re.I)
        # the archive is the first part, or the first after a printed reference ("Press
        # Release No. 634, Department of State, ..."); its case as the archive writes it
        at = citation.lower().find(p.holding_archive.lower()) if p.holding_archive else -1
        after = citation[at + len(p.holding_archive):][:1] if at >= 0 else "-"
        if (p.source_note, sources) != (e.source_note, [e.source_full]) or after not in ",.":
            wrong[e.source_id] = (p.source_note, sources, p.holding_archive)
    assert wrong == {}


def test_classification_is_the_source_notes_marking(
        archive: Archive, sample: list[Expected]) -> None:
    """The marking sentence of the source note ("Secret; Niact.") gives marking and level."""
    pairs = [(e, s) for e, s in _pairs(archive, sample) if e.marking]
    assert len(pairs) >= 5
    wrong = {}
    for e, s in pairs:
        c = s.document.classification
        assert e.marking is not None
        phrase, level = e.marking
        if c.level is not level or (level is not Level.UNKNOWN
                                    and not c.marking.casefold().startswith(phrase)):
            wrong[e.source_id] = (c.marking, c.level.value, phrase)
    assert wrong == {}


def test_footnotes_are_kept_in_order(archive: Archive, sample: list[Expected]) -> None:
    """Every note but the source note is a footnote of the text, with its mark and text."""
    pairs = _pairs(archive, sample)
    assert sum(len(e.footnotes) for e, _ in pairs) >= 10
    wrong = {}
    for e, s in pairs:
        got = [(n.mark, n.text) for t in s.document.texts for n in t.notes
               if n.kind is NoteKind.FOOTNOTE]
        # A note printed without @n gets its mark from its position: compare printed ones.
        if len(got) != len(e.footnotes) or any(
                text != want or (mark and got_mark != mark)
                for (got_mark, text), (mark, want) in zip(got, e.footnotes, strict=True)):
            wrong[e.source_id] = (got, e.footnotes)
    assert wrong == {}


def test_signers_come_from_the_closer(archive: Archive, sample: list[Expected]) -> None:
    """closer/signed (its persName, else its text) gives the signer links."""
    pairs = _pairs(archive, sample)
    assert sum(bool(e.signers) for e, _ in pairs) >= 3
    wrong = {e.source_id: (got, e.signers) for e, s in pairs
             if (got := {la.as_written for la in _links(s, Role.SIGNER)}) != e.signers}
    assert wrong == {}


_MARK = re.compile(r"\[[^\]]{1,4}\]|\s")


def test_every_paragraph_is_kept_in_the_text(archive: Archive, sample: list[Expected]) -> None:
    """The text of every p (footnote marks aside) is in the stored body."""
    wrong = {}
    for e, s in _pairs(archive, sample):
        body = _MARK.sub("", " ".join(t.body for t in s.document.texts))
        missing = [p for p in e.paragraphs if _MARK.sub("", p) not in body]
        if missing:
            wrong[e.source_id] = missing[:2]
    assert wrong == {}


def test_backends_store_the_same_records(sqlite_archive: Archive, postgresql_archive: Archive,
                                         sample: list[Expected]) -> None:
    """A sampled core document reads back the same from SQLite and PostgreSQL."""
    def record(s: StoredDocument) -> tuple[Any, ...]:
        d = s.document
        links = sorted((la.role.value, la.authority.kind.value, la.as_written)
                       for la in s.authorities)
        return (d.title, d.date, d.classification, d.provenance, d.texts, d.doc_type, links)

    for e, s in _pairs(postgresql_archive, sample):
        assert record(s) == record(sqlite_archive.show(e.source_id)), e.source_id


# --- 3. editorial notes and microfiche catalogue entries ---------------------------------

def test_editorial_notes_are_stored_as_editorial_notes(
        archive: Archive, tei: dict[str, Volume]) -> None:
    """Per volume, the documents of type editorial-note are exactly those headed so,
    each with its narrative text."""
    wrong = {}
    for v in sorted(archive.volumes):
        stored = {s.source_id for s in archive.listed(f"frus/{v}")
                  if s.doc_type == DocumentType.EDITORIAL_NOTE.value}
        if stored != {f"{v}/{d}" for d in tei[v].editorial}:
            wrong[v] = (len(stored), len(tei[v].editorial))
    assert wrong == {}
    for v in sorted(archive.volumes)[:3]:
        note = archive.show(f"{v}/{min(tei[v].editorial)}").document
        assert note.title == "Editorial Note" and note.texts[0].paragraphs, note.source_id


def test_microfiche_entries_are_catalogue_entries(
        sqlite_archive: Archive, tei: dict[str, Volume]) -> None:
    """All 1,229 entries of the two microfiche supplements, and only those, are catalogue
    entries, titled by their first sentence with the heading as their text."""
    by_type: dict[str, set[str]] = {}
    for v in tei:
        for s in sqlite_archive.listed(f"frus/{v}"):
            by_type.setdefault(s.doc_type, set()).add(s.source_id)
    expected = {f"{v}/{d}" for v in SUPPLEMENTS for d in tei[v].documents}
    assert by_type[DocumentType.CATALOGUE_ENTRY.value] == expected
    assert len(expected) == 1_229
    for source_id in random.Random(SEED).sample(sorted(expected), 40):
        d = sqlite_archive.show(source_id).document
        (text,) = d.texts
        assert text.body.startswith(d.title) and len(d.title) < len(text.body), source_id


def test_catalogue_entries_carry_marking_citation_and_date(
        sqlite_archive: Archive, tei: dict[str, Volume]) -> None:
    """A catalogue entry's own sentences give its classification, archival citation and
    date ("1. Telegram 430 from La Paz, February 9, 1961. ... Unclassified. 1 p. DOS, CF, ...")."""
    d = sqlite_archive.show("frus1961-63v10-12mSupp/d1").document
    assert d.title == "Telegram 430 from La Paz, February 9, 1961"
    assert (d.date.start, d.classification.level) == (date(1961, 2, 9), Level.UNCLASSIFIED)
    assert d.provenance.reference_code == "611.247/2-961"
    d = sqlite_archive.show("frus1961-63v07-09mSupp/d1").document
    assert d.title == "Record of Actions, 474th NSC Meeting, January 12"
    assert (d.classification.marking, d.provenance.reference_code) == ("Top Secret", "Lot 66 D 95")
    wrong = {}
    for source_id in random.Random(SEED).sample(
            [f"{v}/{i}" for v in SUPPLEMENTS for i in tei[v].documents], 60):
        d = sqlite_archive.show(source_id).document
        expected = marking_sentence(d.texts[0].body)
        if expected and d.classification.level is not expected[1]:
            wrong[source_id] = (d.classification.marking, expected)
    assert wrong == {}


# --- 4. authorities and collections -------------------------------------------------------

def test_herter_is_one_person_across_volumes(sqlite_archive: Archive,
                                             tei: dict[str, Volume]) -> None:
    """Christian A. Herter, listed in 26 volumes with changing offices (Under Secretary,
    Secretary of State, trade negotiator), is one record that documents of every volume
    naming him link to."""
    listing = {v.id: v.herter for v in tei.values() if v.herter}
    citing = {v: d for v, pid in listing.items() if (d := first_citing(tei[v], pid))}
    assert len(citing) >= 20
    keys: dict[str, set[str]] = {}
    for volume, source_id in citing.items():
        stored = sqlite_archive.show(source_id)
        keys[volume] = {la.authority.key for la in stored.authorities
                        if name_tokens(la.authority.name) == ("christian", "a", "herter")}
    assert len(set().union(*keys.values())) == 1, keys
    assert all(keys.values()), keys
    (key,) = set().union(*keys.values())
    (record,) = sqlite_archive.app.catalogue.authority_records([key])
    assert {f"{v}#{listing[v]}" for v in citing} <= set(record.source_ids)


def test_khrushchev_is_one_person_under_every_listed_form(sqlite_archive: Archive) -> None:
    """Volumes list him as "Khrushchev, Nikita S.", "... Sergeyevich" and "... Sergeevich";
    with offices that agree, all are one record holding every form."""
    catalogue = sqlite_archive.app.catalogue
    found = {a.key for form in ("Khrushchev, Nikita S.", "Khrushchev, Nikita Sergeyevich",
                                "Khrushchev, Nikita Sergeevich")
             for a, _ in catalogue.authorities_for_word(fold(form), "")}
    assert len(found) == 1, found
    record = catalogue.authority(found.pop(), Actor.EDITOR, date.today())
    assert record is not None
    assert {"Khrushchev, Nikita S.", "Khrushchev, Nikita Sergeyevich"} <= set(record[1])


@pytest.mark.parametrize(("one", "other"), [
    ("Dulles, John Foster", "Dulles, Allen W."),
    ("Kennedy, John F.", "Kennedy, Robert F."),
    ("Johnson, Lyndon B.", "Johnson, U. Alexis"),
])
def test_namesakes_stay_apart(sqlite_archive: Archive, one: str, other: str) -> None:
    """Two people sharing a surname are two records, each holding only its own entries."""
    catalogue = sqlite_archive.app.catalogue
    records = {}
    for name in (one, other):
        found = [a for a, _ in catalogue.authorities_for_word(fold(name), "") if a.name == name]
        assert len(found) == 1, (name, found)
        records[name] = found[0].key
    assert records[one] != records[other]
    first, second = catalogue.authority_records([records[one], records[other]])
    assert first.source_ids and second.source_ids
    assert not set(first.source_ids) & set(second.source_ids)


def test_list_of_persons_see_references(sqlite_archive: Archive, tei: dict[str, Volume]) -> None:
    """An entry that names another person in its office ("Whitman, Ann C., President
    Eisenhower's Personal Secretary") stays its own person; "Diem, see Ngo Dinh Diem" makes
    documents citing "Diem" link to Ngo Dinh Diem, who gets "Diem" as a variant."""
    stored = sqlite_archive.show("frus1958-60v09/d151")
    names = {la.as_written: la.authority.name for la in stored.authorities}
    assert names["Whitman"] == "Whitman, Ann C."
    stored = sqlite_archive.show(first_citing(tei["frus1961-63v03"], "p_DIEM1"))
    diem = [la.authority for la in stored.authorities if la.authority.name == "Ngo Dinh Diem"]
    assert diem and not [la for la in stored.authorities if la.authority.name == "Diem"]
    (record,) = sqlite_archive.app.catalogue.authority_records([diem[0].key])
    assert "frus1961-63v03#p_NDD1" in record.source_ids
    assert "Diem" in record.all_names()


def test_volumes_are_collections_with_nested_chapters(archive: Archive,
                                                      tei: dict[str, Volume]) -> None:
    """Series > volume > compilation > chapter > subchapter, as printed; listing a
    collection gives exactly the documents inside it in the TEI."""
    collections = {c.key: c for c in archive.app.catalogue.collections(Actor.EDITOR, date.today())}
    assert collections["frus"].parent_key in ("", None)
    wrong = {}
    for v in sorted(archive.volumes):
        volume_key = f"frus/{v}"
        assert collections[volume_key].parent_key == "frus"
        local = {k.rsplit("/", 1)[1]: c for k, c in collections.items()
                 if k.startswith(volume_key + "/")}
        got = {i: (c.parent_key.rsplit("/", 1)[1] if c.parent_key != volume_key else "", c.title)
               for i, c in local.items()}
        expected = {i: (c.parent, c.title) for i, c in tei[v].chapters.items()}
        if got != expected:
            wrong[v] = sorted(set(got.items()) ^ set(expected.items()))[:3]
    assert wrong == {}
    for v in ("frus1958-60v09", "frus1958-60v14", "frus1958-60v19"):
        if v in archive.volumes:
            for i, chapter in tei[v].chapters.items():
                key = next(k for k in collections if k.startswith(f"frus/{v}/") and k.endswith(f"/{i}"))
                listed = {s.source_id for s in archive.listed(key)}
                assert listed == {f"{v}/{d}" for d in chapter.documents}, key


# --- 5. re-import -------------------------------------------------------------------------

def test_reimport_changes_nothing(archive: Archive, tei: dict[str, Volume]) -> None:
    """Importing a volume again reports every document unchanged and stores no duplicate."""
    catalogue = archive.app.catalogue
    before = catalogue.count_documents(Actor.EDITOR, today())
    summary = import_paths([FRUS / "core" / f"{REIMPORTED}.xml"], archive.app.import_context())
    assert summary.failed == []
    assert (summary.unchanged, summary.imported, summary.updated, summary.authorities_created) == (
        len(tei[REIMPORTED].documents), 0, 0, 0)
    assert catalogue.count_documents(Actor.EDITOR, today()) == before
    assert len(archive.listed(f"frus/{REIMPORTED}")) == len(tei[REIMPORTED].documents)
    revisions = archive.show(f"{REIMPORTED}/d3").revisions
    assert len(revisions) == 1
