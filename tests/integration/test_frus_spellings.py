"""Spellings a FRUS volume tags as a person become search synonyms only when they are
plausibly that person's name: frus1961-63v05 tags "Stalin" and "Richard H. Davis" with
Khrushchev's id, and neither may make a search find Khrushchev's documents."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.authorities import VariantSource, fold
from chancery.domain.publication import Actor
from chancery.domain.spellings import same_word
from chancery.ingest.base import Limits
from chancery.ingest.frus_fields import PERSNAME
from chancery.ingest.frus_persons import AuthorityRegistry, read_list
from chancery.ingest.xml import parse_xml_file
from chancery.services import search
from chancery.services.documents import show_document
from chancery.services.imports import ImportSummary, import_paths
from chancery.services.reading import authority_record
from tests.conftest import CORPUS, need

pytestmark = pytest.mark.corpus

FRUS = CORPUS / "frus"
V05 = FRUS / "core" / "frus1961-63v05.xml"
KHRUSHCHEV = "Khrushchev, Nikita S."
# a title that is also someone's listed surname: "Pahlavi, Mohammed Reza, Shah"
_TITLES = {"shah"}


@pytest.fixture(scope="module")
def v05(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, ImportSummary]]:
    """frus1961-63v05 imported into a fresh SQLite archive, indexed."""
    need(V05.is_file(), f"FRUS volume not found at {V05}")
    app = build_app(load_settings(data=str(tmp_path_factory.mktemp("v05")), database_url=""))
    summary = import_paths([V05], app.import_context())
    search.rebuild_index(app.catalogue, app.index)
    yield app, summary
    app.catalogue.dispose()


def _ids(app: App, query: str) -> set[str]:
    page = app.search.documents(query, per_page=100)
    hits = {h.public_id for h in page.results.hits}
    for n in range(2, page.pages + 1):
        hits |= {h.public_id for h in app.search.documents(query, page=n, per_page=100).results.hits}
    return hits


def _khrushchev_key(app: App) -> str:
    found = app.catalogue.authorities_for_word("khrushchev", "")
    (key,) = [a.key for a, _ in found if a.name == KHRUSHCHEV]
    return key


def test_stalin_finds_only_documents_that_print_stalin(v05: tuple[App, ImportSummary]) -> None:
    """"Stalin" finds the documents that print it, not every one that names Khrushchev, and
    "Khrushchev" still finds his documents under every spelling the volume prints."""
    app, _ = v05
    stalin = _ids(app, "Stalin")
    assert stalin
    for public_id in stalin:
        stored = show_document(app.catalogue, public_id, Actor.PUBLIC)
        assert stored is not None
        printed = " ".join([stored.document.title, *(t.body for t in stored.document.texts),
                            *(n.text for t in stored.document.texts for n in t.notes)])
        assert "stalin" in printed.casefold(), public_id
    assert len(_ids(app, "Khrushchev")) > 3 * len(stalin)


def test_khrushchevs_page_no_longer_lists_stalin_or_davis(v05: tuple[App, ImportSummary]) -> None:
    """His record lists his own spellings only; the slips are stored as held-back evidence
    (in the full record that exports carry) and reported by the import."""
    app, summary = v05
    key = _khrushchev_key(app)
    found = authority_record(app.catalogue, key)
    assert found is not None
    names = {fold(n) for n in found[1]}
    assert "khrushchev" in names and not names & {"stalin", "richard h davis"}
    (full,) = app.catalogue.authority_records([key])
    held = {v.name for v in full.variants if v.source is VariantSource.HELD_BACK}
    assert {"Stalin", "Richard H. Davis"} <= held
    assert summary.held_back >= 2 and summary.held_back_examples
    assert summary.as_dict()["held_back"] == {"count": summary.held_back,
                                              "examples": summary.held_back_examples}
    assert all(re.fullmatch(r'".+" tagged as .+ \(frus1961-63v05\)', e)
               for e in summary.held_back_examples)


# --- all 42 volumes: the person lists only, without an import ---------------------------

def _surname_words(name: str) -> set[str]:
    """Words of the surname of a name listed as "Surname, Given" ("Madame Nhu" or
    "Brigadier Carver" say nothing of which word is a surname)."""
    surname, comma, _ = name.partition(",")
    return {w for w in fold(surname).split() if len(w) >= 4} if comma else set()


def _volume_synonyms(path: Path) -> tuple[list[str], int]:
    """Synonyms of a listed person holding another listed person's surname that is not a
    word of their own listed name or aliases (nor a transliteration or misprint of one);
    and how many spellings were held back."""
    root = parse_xml_file(path, Limits(max_file_bytes=1 << 30, max_pages=1000)).getroot()
    listed = read_list(root, "persons", "persName")
    registry = AuthorityRegistry(path.stem, listed, read_list(root, "terms", "term"))
    for el in root.iter(PERSNAME):
        if el.get("corresp"):
            registry.person(el)
    surnames = set().union(*(_surname_words(e.name) for e in listed.values()))
    entries = {f"{path.stem}#{e.id}": e for e in listed.values()}
    wrong = []
    for ref, a in registry.authorities().items():
        if ref not in entries:
            continue
        own = [w for n in (a.name, *entries[ref].aliases) for w in fold(n).split()]
        for v in a.variants:
            other = [w for w in fold(v.name).split() if w in surnames and w not in _TITLES
                     and not any(same_word(w, o) for o in own)]
            if other and v.source is not VariantSource.HELD_BACK:
                wrong.append(f"{a.name}: {v.name!r} holds {other}")
    return wrong, len(registry.held_back())


@pytest.mark.slow
def test_no_synonym_names_another_person_in_any_volume() -> None:
    """Over all 42 volumes, no spelling that became a synonym of a listed person holds the
    surname of another listed person; the two Dulleses stay apart. Prints how many tagged
    spellings were held back as evidence."""
    volumes = sorted(FRUS.glob("*/*.xml"))
    need(len(volumes) == 42, f"the 42 FRUS volumes not found in {FRUS}")
    wrong, held = [], 0
    for path in volumes:
        found, n = _volume_synonyms(path)
        wrong += [f"{path.stem}: {w}" for w in found]
        held += n
    print(f"\n{held} tagged spellings held back as evidence over {len(volumes)} volumes")
    assert wrong == []
    assert held > 0
