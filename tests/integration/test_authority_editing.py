"""The authority editor on both catalogues: names and variants (a removed one stops finding
the record's documents once the index catches up), identifiers in other authority files
(checked, unique to one record), merging (links, names and ids move; the old key leads on)
and splitting; every change is audited and marks the record's documents as changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from chancery.bootstrap import App
from chancery.domain.accounts import Role
from chancery.domain.publication import Actor
from chancery.domain.workflow import Acting
from chancery.services import search
from chancery.services.authority_editing import Invalid
from chancery.services.clock import today
from tests.authority_archive import DOCS, FROST, KENNAN, VARIANT, import_archive

EDITOR = Acting("ed@example.org", Role.EDITOR)
FORM = {"name": "Kennan, George F.", "description": "", "wikidata": "", "viaf": "", "gnd": "",
        "lc": ""}


def _found(app: App, text: str) -> list[str]:
    return sorted(h.public_id for h in app.search.documents(text, actor=Actor.PUBLIC).results.hits)


def _authors(app: App, ident: str) -> list[str]:
    stored = app.catalogue.get_document(ident, Actor.EDITOR, today())
    assert stored is not None
    return [la.authority.key for la in stored.authorities]


def test_a_removed_variant_no_longer_finds_the_documents_once_the_index_catches_up(
        app: App, tmp_path: Path) -> None:
    import_archive(app, tmp_path / "b")
    assert {"kdoc1", "kdoc2"} <= set(_found(app, VARIANT))
    before = app.catalogue.changes()
    app.authorities.remove_name(KENNAN, VARIANT, EDITOR)
    assert sorted(app.catalogue.changed_since(before)) == ["kdoc1", "kdoc2"]
    assert "kdoc1" in _found(app, VARIANT)  # the index still holds it until it syncs
    search.refresh_index(app.catalogue, app.index)
    assert _found(app, VARIANT) == []
    assert {"kdoc1", "kdoc2"} <= set(_found(app, "Кеннан"))  # the other names still find them
    entry = app.accounts.audit()[-1]
    assert (entry.actor, entry.action, entry.subject) == (EDITOR.name, "authority-name-remove", KENNAN)
    assert entry.detail["name"] == VARIANT


def test_an_added_variant_finds_the_documents_and_the_display_name_cannot_go(
        app: App, tmp_path: Path) -> None:
    import_archive(app, tmp_path / "b")
    assert _found(app, "Xylograph") == []
    app.authorities.add_name(KENNAN, {"variant": "Mister Xylograph", "source": "source",
                                      "language": "en"}, EDITOR)
    search.refresh_index(app.catalogue, app.index)
    assert {"kdoc1", "kdoc2"} <= set(_found(app, "Xylograph"))
    with pytest.raises(Invalid) as refused:
        app.authorities.remove_name(KENNAN, "Kennan, George F.", EDITOR)
    assert "display name" in refused.value.errors["names"]
    with pytest.raises(Invalid) as bad:
        app.authorities.add_name(KENNAN, {"variant": " ", "source": "rumour",
                                          "language": "not a tag"}, EDITOR)
    assert set(bad.value.errors) == {"variant", "source", "language"}


def test_identifiers_are_checked_stored_and_kept_to_one_record(app: App, tmp_path: Path) -> None:
    import_archive(app, tmp_path / "b")
    with pytest.raises(Invalid) as bad:
        app.authorities.save(KENNAN, {**FORM, "wikidata": "Q12x", "viaf": "viaf",
                                      "gnd": "118540238", "lc": "sh 12"}, EDITOR)
    assert set(bad.value.errors) == {"wikidata", "viaf", "lc"}
    assert "Wikidata identifiers look like Q1000: 'Q12x' is not one" in bad.value.errors["wikidata"]
    app.authorities.save(KENNAN, {**FORM, "name": "Kennan, George Frost (1904-2005)",
                                  "wikidata": "https://www.wikidata.org/wiki/q295642",
                                  "viaf": "http://viaf.org/viaf/46764061/", "gnd": "118561766",
                                  "lc": "n79080826"}, EDITOR)
    detail = app.authorities.detail(KENNAN)
    assert detail is not None and detail.row.name == "Kennan, George Frost (1904-2005)"
    assert detail.row.identifiers == (("wikidata", "Q295642"), ("viaf", "46764061"),
                                      ("gnd", "118561766"), ("lc", "n79080826"))
    assert "Kennan, George F." in [v.name for v in detail.names]  # the old name stays a name
    with pytest.raises(Invalid) as taken:
        app.authorities.save(FROST, {**FORM, "name": "Kennan, George Frost",
                                     "wikidata": "Q295642"}, EDITOR)
    assert f"on {KENNAN} already" in taken.value.errors["wikidata"]


def test_merge_moves_links_names_and_ids_and_the_old_key_leads_on(
        app: App, tmp_path: Path) -> None:
    import_archive(app, tmp_path / "b")
    app.authorities.save(FROST, {**FORM, "name": "Kennan, George Frost", "viaf": "46764061"},
                         EDITOR)
    before = app.catalogue.changes()
    assert app.authorities.merge(KENNAN, FROST, EDITOR) == 3
    assert sorted(app.catalogue.changed_since(before)) == ["kdoc1", "kdoc2", "kdoc3"]
    assert _authors(app, "kdoc3") == [KENNAN]
    detail = app.authorities.detail(KENNAN)
    assert detail is not None and detail.total_documents == 3
    assert "Kennan, George Frost" in [v.name for v in detail.names]
    assert detail.row.identifiers == (("viaf", "46764061"),)
    assert app.authorities.detail(FROST) is None and app.authorities.moved_to(FROST) == KENNAN
    search.refresh_index(app.catalogue, app.index)
    found = app.search.documents("", filters={"author": (KENNAN,)}, actor=Actor.PUBLIC)
    assert sorted(h.public_id for h in found.results.hits) == DOCS[:3]
    assert app.accounts.audit()[-1].detail["merged"] == FROST
    with pytest.raises(Invalid) as kinds:
        app.authorities.merge(KENNAN, "organization/policy-planning-staff", EDITOR)
    assert "only records of one kind" in kinds.value.errors["other"]


def test_split_moves_the_chosen_names_and_documents_to_a_new_record(
        app: App, tmp_path: Path) -> None:
    import_archive(app, tmp_path / "b")
    made = app.authorities.split(KENNAN, "Zarnicki, Jan", [VARIANT], ["kdoc2"], False, EDITOR)
    assert made == "person/zarnicki-jan"
    assert _authors(app, "kdoc1") == [KENNAN] and _authors(app, "kdoc2") == [made]
    new, old = app.authorities.detail(made), app.authorities.detail(KENNAN)
    assert new is not None and old is not None
    assert [v.name for v in new.names] == ["Zarnicki, Jan", VARIANT]
    assert VARIANT not in [v.name for v in old.names]
    search.refresh_index(app.catalogue, app.index)
    assert _found(app, "Jan Zarnicki") == ["kdoc2"]
    with pytest.raises(Invalid) as refused:
        app.authorities.split(KENNAN, "", ["Kennan, George F."], [], False, EDITOR)
    assert set(refused.value.errors) == {"new_name", "split_names"}
