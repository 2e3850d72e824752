"""The reference pair entered as a bundle: every field of the record page, the enclosure
relation from both ends, one Khrushchev whatever the spelling. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from chancery.bootstrap import App
from chancery.domain.authorities import Role, fold
from chancery.domain.classification import Level
from chancery.domain.dates import Precision
from chancery.domain.publication import Actor
from chancery.enrich.names import phonetic_key
from chancery.services import documents
from chancery.services.imports import import_paths


def _import(app: App, *paths: Path):  # type: ignore[no-untyped-def]
    return import_paths(list(paths), app.import_context())


def test_reference_note_has_every_field_of_the_record_page(app: App, reference_bundle: Path) -> None:
    """Title, date + note, summary, classification, funder, archive + reference, translators,
    English text with its paragraphs."""
    summary = _import(app, reference_bundle)
    assert (summary.imported, summary.failed) == (2, [])
    s = documents.show_document(app.catalogue, "7da35b31", Actor.PUBLIC)
    assert s is not None
    d = s.document
    assert d.title.startswith("Note, the Soviet Embassy in Beijing to the Ministry of Foreign Affairs")
    assert (d.date.display, d.date.start, d.date.precision) == ("July 18, 1960", date(1960, 7, 18),
                                                                Precision.DAY)
    assert d.date.note == "The copy of the Russian note is not dated but known from other sources."
    assert d.summary.startswith("The Soviet Embassy reports that in response to Chinese dissatisfaction")
    assert (d.classification.marking, d.classification.level) == ("Strictly confidential",
                                                                  Level.CONFIDENTIAL)
    assert d.provenance.funders == ("Leon Levy Foundation",)
    assert d.provenance.reference_code == "J IV 2/202/280"
    assert "im Bundesarchiv" in d.provenance.holding_archive
    assert d.provenance.publishing_archive == "History and Public Policy Program Digital Archive"
    (text,) = d.texts
    assert (text.language, text.kind.value, text.translators) == (
        "en", "translation", ("Dieter Heinzig", "Anna Eckner"))
    assert text.paragraphs[0].startswith("The Embassy of the Union of the Socialist Soviet Republics")
    assert len(text.paragraphs) == 13
    by_role = {(la.role, la.authority.kind.value, la.authority.name) for la in s.authorities}
    assert (Role.AUTHOR, "organization", "Soviet Embassy in Beijing") in by_role
    assert (Role.RECIPIENT, "organization",
            "Ministry of Foreign Affairs of the People's Republic of China") in by_role
    assert {(Role.MENTIONED, "person", "Yang Zhengwu"), (Role.ORIGIN, "place", "Beijing"),
            (Role.PLACE_MENTIONED, "place", "Guangzhou")} <= by_role


def test_enclosure_is_shown_from_both_ends(app: App, reference_bundle: Path) -> None:
    """001 encloses 000; 000 shows it is enclosed in 001."""
    _import(app, reference_bundle)
    letter = documents.show_document(app.catalogue, "0874552c", Actor.PUBLIC)
    note = documents.show_document(app.catalogue, "wilson/000_7da35b316b2a6c07", Actor.PUBLIC)
    assert letter is not None and note is not None
    assert [(r.label, r.public_id) for r in letter.related] == [("Encloses", "7da35b31")]
    assert [(r.label, r.public_id, r.inverse) for r in note.related] == [
        ("Enclosed in", "0874552c", True)]


def test_khrushchev_is_one_person_under_every_spelling(app: App, reference_bundle: Path) -> None:
    """The signature 'N. KHRUSHCHEV' and the summary's 'Khruschev' meet on one record, which
    every romanisation and the phonetic key find."""
    _import(app, reference_bundle)
    letter = documents.show_document(app.catalogue, "0874552c", Actor.EDITOR)
    assert letter is not None
    people = {la.authority.key for la in letter.authorities if la.authority.name.startswith("Khrushchev")}
    assert len(people) == 1
    (key,) = people
    found = app.catalogue.authority(key, Actor.EDITOR, date.today())
    assert found is not None
    names = set(found[1])
    assert {"Хрущёв, Никита Сергеевич", "赫鲁晓夫", "Chruschtschow, Nikita Sergeewitsch",
            "Khrushchov, Nikita Sergeevich"} <= names
    for spelling in ["Khruschev", "Khrushchov", "Khrushchev"]:
        hits = app.catalogue.authorities_for_word(fold(spelling), phonetic_key(spelling))
        assert key in {h.key for h, _ in hits}, spelling


def test_reimport_is_unchanged_and_edit_is_an_update_with_history(
        app: App, reference_bundle: Path) -> None:
    """Same source twice: nothing duplicated or touched; a changed file updates in place and
    leaves a revision naming the changed field."""
    _import(app, reference_bundle)
    again = _import(app, reference_bundle)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 2)
    path = reference_bundle / "000.yaml"
    meta = yaml.safe_load(path.read_text())
    meta["summary"] = "A corrected summary."
    path.write_text(yaml.safe_dump(meta, allow_unicode=True))
    third = _import(app, reference_bundle)
    assert (third.imported, third.updated, third.unchanged) == (0, 1, 1)
    s = documents.show_document(app.catalogue, "7da35b31", Actor.EDITOR)
    assert s is not None and s.document.summary == "A corrected summary."
    assert [r.summary.split()[0] for r in s.revisions] == ["imported", "updated"]
    assert "summary" in s.revisions[-1].changes
    assert app.catalogue.count_documents(Actor.EDITOR, date.today()) == 2


def test_unpublished_and_embargoed_documents_are_hidden_from_the_public(
        app: App, reference_bundle: Path) -> None:
    """Drafts and embargoed documents exist for editors only, in every read path here."""
    for name, publication in [("000.yaml", {"state": "draft"}),
                              ("001.yaml", {"state": "published", "embargo_until": "2999-01-01"})]:
        path = reference_bundle / name
        meta = yaml.safe_load(path.read_text())
        meta["publication"] = publication
        path.write_text(yaml.safe_dump(meta, allow_unicode=True))
    _import(app, reference_bundle)
    assert documents.show_document(app.catalogue, "7da35b31", Actor.PUBLIC) is None
    assert documents.show_document(app.catalogue, "0874552c", Actor.PUBLIC) is None
    assert documents.show_document(app.catalogue, "7da35b31", Actor.EDITOR) is not None
    assert documents.list_documents(app.catalogue, Actor.PUBLIC) == []
    assert documents.archive_stats(app.catalogue, Actor.PUBLIC).documents == 0
    assert documents.archive_stats(app.catalogue, Actor.EDITOR).documents == 2
