"""The gazetteer is laid onto an archive's records once: Moscow's dateline record gains
Moskau and Москва as the import stores; once the import is indexed, Beijing becomes a record
carrying Peiping and 北京 because a document prints Peiping, while an entry no document names
makes no record; a spelling an editor removed is not laid again by the next import."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.authorities import Authority, AuthorityKind, NameVariant, VariantSource
from chancery.domain.workflow import Acting
from chancery.enrich import gazetteer
from chancery.enrich.names import phonetic_key, with_generated_variants
from chancery.services import search
from chancery.services.authorities import AuthorityResolver
from chancery.services.imports import import_paths
from chancery.services.name_seeding import seed_names
from tests.conftest import CORPUS, need

pytestmark = pytest.mark.corpus

V19 = CORPUS / "frus" / "core" / "frus1958-60v19.xml"


@pytest.fixture
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    need(V19.is_file(), f"FRUS volume not found at {V19}")
    app = build_app(load_settings(data=str(tmp_path_factory.mktemp("seed")), database_url=""))
    import_paths([V19], app.import_context())
    search.rebuild_index(app.catalogue, app.index)
    yield app
    app.close()


def _names(app: App, word: str, kind: str) -> list[tuple[str, list[str]]]:
    return [(a.key, names) for a, names in app.catalogue.authorities_for_word(word, "")
            if a.kind.value == kind]


def test_an_import_lays_the_gazetteer_onto_the_records(archive: App) -> None:
    moscow = [names for _, names in _names(archive, "moscow", "place")]
    assert len(moscow) == 1 and {"Moskau", "Москва"} <= set(moscow[0])
    assert _names(archive, "peiping", "place") == []  # printed in the text only: not yet
    made = archive.lay_gazetteer()
    (beijing,) = [names for _, names in _names(archive, "peiping", "place")]
    assert {"Beijing", "Peking", "北京"} <= set(beijing)
    assert _names(archive, "mukden", "place") == []  # no document of v19 prints it
    assert made > 0 and archive.lay_gazetteer() == 0


def test_an_entry_is_laid_once_and_a_removed_spelling_stays_removed(archive: App) -> None:
    ((key, _),) = _names(archive, "moskau", "place")
    archive.authorities.remove_name(key, "Moskau", Acting.operator())
    seed = archive.import_context().seed_names
    assert seed is not None
    with archive.catalogue.session() as session:  # what the next import does
        assert seed(session) == 0
    assert _names(archive, "moskau", "place") == []


def test_a_new_entry_becomes_a_record_of_its_own(archive: App) -> None:
    entry = Authority(AuthorityKind.PLACE, "Nowhere-on-Sea",
                      variants=(NameVariant("Nirgendwo", VariantSource.GENERATED, "de",
                                            "gazetteer"),),
                      source_ids=("gazetteer:place/nowhere-on-sea",))
    def says(answer: bool) -> Callable[[list[str]], bool]:
        return lambda names: answer
    with archive.catalogue.session() as session:
        assert seed_names(session, [entry], with_generated_variants, phonetic_key,
                          says(False)) == 0
    with archive.catalogue.session() as session:
        assert seed_names(session, [entry], with_generated_variants, phonetic_key,
                          says(True)) == 1
    with archive.catalogue.session() as session:
        assert seed_names(session, [entry], with_generated_variants, phonetic_key,
                          says(True)) == 0
    assert [set(n) for _, n in _names(archive, "nirgendwo", "place")] == [
        {"Nowhere-on-Sea", "Nirgendwo"}]


def _resolve_listed_liu(archive: App) -> int:
    """What an import does with a later volume's list entry for Liu Shao-chi."""
    entry = Authority(AuthorityKind.PERSON, "Liu Shao-chi",
                      description="Chairman of the People's Republic of China",
                      source_ids=("frus1964-68v30/p_LSC1",), ref="liu")
    with archive.catalogue.session() as session:
        resolver = AuthorityResolver(session, with_generated_variants, phonetic_key,
                                     gazetteer.same_as)
        return resolver.resolve([entry])["liu"]


def test_a_list_entry_for_a_person_the_gazetteer_made_is_that_record(archive: App) -> None:
    archive.lay_gazetteer()  # v19 prints "Liu Shao-chi" in running text only
    (made,) = [a for a, _ in archive.catalogue.authorities_for_word("shaoqi", "")
               if a.kind is AuthorityKind.PERSON]
    assert _resolve_listed_liu(archive) == made.id
    people = {a.id for a, _ in archive.catalogue.authorities_for_word("shaoqi", "")
              if a.kind is AuthorityKind.PERSON}
    assert people == {made.id}
    # the list's source id now marks the record: the next volume's entry finds it by source
    with archive.catalogue.session() as session:
        assert session.authority_ids_for_sources(["frus1964-68v30/p_LSC1"]) == {
            "frus1964-68v30/p_LSC1": made.id}

