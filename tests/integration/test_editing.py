"""Editing documents by hand on both catalogues: checked field by field, saved against what the
editor read, written at once on a draft and held for review on a published document."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from chancery.bootstrap import App
from chancery.domain.accounts import Role
from chancery.domain.authorities import Role as LinkRole
from chancery.domain.publication import Actor
from chancery.domain.workflow import Acting, Refused, Step
from chancery.services import search
from chancery.services.clock import today
from chancery.services.editing import Conflict, Invalid
from tests.editorial import DOCS, WORD, import_bundle

EDITOR = Acting("ed@example.org", Role.EDITOR)
OTHER = Acting("other@example.org", Role.EDITOR)
REVIEWER = Acting("rev@example.org", Role.REVIEWER)


def _public_titles(app: App, word: str) -> list[str]:
    search.refresh_index(app.catalogue, app.index)
    found = app.search.documents(word, per_page=50, actor=Actor.PUBLIC)
    return sorted(h.title for h in found.results.hits)


def _published(app: App, tmp_path: Path) -> None:
    import_bundle(app, tmp_path / "b", state="published")


def test_every_field_that_is_not_right_gets_its_own_message_and_nothing_is_stored(
        app: App, tmp_path: Path) -> None:
    import_bundle(app, tmp_path / "b")
    record, seen, _ = app.editing.draft_of(DOCS[0], EDITOR)
    with pytest.raises(Invalid) as caught:
        app.editing.edit(DOCS[0], {
            "title": " ", "date": "31 June 1960", "type": "haiku",
            "classification": {"marking": "SECRET", "level": "cosmic"},
            "texts": [{"language": "en", "body": "a"}, {"language": "en", "body": "b"},
                      {"body": "no language"}],
            "links": [{"ref": "person/nobody", "role": "author"}, {"ref": record["links"][0]["ref"],
                                                                   "role": "scribe"},
                      {"name": "Dulles, Allen", "role": "mentioned"}],
            "relations": [{"type": "reply-to", "target": "nodoc"}],
            "collections": ["no-such-papers"], "colour": "red"}, EDITOR, seen)
    errors = caught.value.errors
    assert set(errors) == {"title", "date", "type", "classification.level", "texts.1.key",
                           "texts.2.language", "links.0.ref", "links.1.role", "links.2.kind",
                           "relations.0.target", "collections.0", "colour"}
    assert "needs a title" in errors["title"] and "18 July 1960" in errors["date"]
    again, stamp, _ = app.editing.draft_of(DOCS[0], EDITOR)
    assert again == record and stamp == seen


def test_a_draft_is_edited_at_once_with_a_field_diff_links_included(app: App, tmp_path: Path) -> None:
    import_bundle(app, tmp_path / "b")
    record, seen, pending = app.editing.draft_of(DOCS[0], EDITOR)
    assert not pending
    saved = app.editing.edit(DOCS[0], {
        "title": "Telegram on the okapi question, corrected", "date": "18 July 1960",
        "reference_code": "RG 59, box 3",
        "links": [*record["links"], {"name": "Dulles, Allen W.", "kind": "person",
                                     "role": "mentioned", "as_written": "DULLES"}]},
        EDITOR, seen, "read against the scan")
    assert not saved.pending
    stored = app.catalogue.get_document(DOCS[0], Actor.EDITOR, today())
    assert stored is not None and stored.document.title.endswith("corrected")
    assert (stored.document.date.start, stored.document.date.display) == (
        today().replace(1960, 7, 18), "18 July 1960")
    assert stored.document.provenance.reference_code == "RG 59, box 3"
    assert stored.names(LinkRole.AUTHOR, LinkRole.MENTIONED) == ["Herter, Christian A.", "Dulles, Allen W."]
    last = app.publishing.history(DOCS[0])
    assert last is not None
    entry = last.entries[-1]
    assert (entry.actor, entry.summary) == (EDITOR.name, "edited: read against the scan")
    assert set(entry.changes) == {"title", "date", "provenance", "links"}
    assert entry.changes["links"][1][-1]["as_written"] == "DULLES"
    # the stamp handed back is the one the next save must send
    assert app.editing.draft_of(DOCS[0], EDITOR)[1] == saved.updated_at
    app.editing.edit(DOCS[0], {"summary": "Second pass."}, EDITOR, saved.updated_at)


def test_a_save_against_a_document_changed_since_is_refused_naming_who(
        app: App, tmp_path: Path) -> None:
    import_bundle(app, tmp_path / "b")
    _, seen, _ = app.editing.draft_of(DOCS[0], EDITOR)
    app.editing.edit(DOCS[0], {"summary": "Mine."}, OTHER, seen)
    with pytest.raises(Conflict) as caught:
        app.editing.edit(DOCS[0], {"summary": "Yours."}, EDITOR, seen)
    assert caught.value.by == OTHER.name and OTHER.name in caught.value.message
    stored = app.catalogue.get_document(DOCS[0], Actor.EDITOR, today())
    assert stored is not None and stored.document.summary == "Mine."


def test_an_edit_of_a_published_document_waits_for_review_then_shows(
        app: App, tmp_path: Path) -> None:
    _published(app, tmp_path)
    _, seen, _ = app.editing.draft_of(DOCS[0], EDITOR)
    saved = app.editing.edit(DOCS[0], {"title": "Telegram on the okapi zebra question"},
                             EDITOR, seen, "typo")
    assert saved.pending
    assert _public_titles(app, "zebra") == []
    stored = app.catalogue.get_document(DOCS[0], Actor.PUBLIC, today())
    assert stored is not None and "zebra" not in stored.document.title
    record, stamp, pending = app.editing.draft_of(DOCS[0], EDITOR)
    assert pending and "zebra" in record["title"] and stamp == saved.updated_at
    # a second edit updates the same pending revision, under the same locking
    with pytest.raises(Conflict):
        app.editing.edit(DOCS[0], {"summary": "stale"}, OTHER, seen)
    app.editing.edit(DOCS[0], {"summary": "The zebra affair."}, OTHER, stamp)
    found = app.editing.pending(DOCS[0])
    assert found is not None and set(found[1]) == {"title", "summary"}
    with pytest.raises(Refused, match="four eyes"):
        app.editing.approve(DOCS[0], Acting(OTHER.name, Role.REVIEWER))
    assert app.editing.approve(DOCS[0], REVIEWER) == DOCS[0]
    assert _public_titles(app, "zebra") == ["Telegram on the okapi zebra question"]
    assert app.editing.pending(DOCS[0]) is None
    entry = app.publishing.history(DOCS[0]).entries[-1]  # type: ignore[union-attr]
    assert entry.actor == OTHER.name and "approved by rev@example.org" in entry.summary
    assert set(entry.changes) == {"title", "summary"}


def test_a_rejected_change_leaves_the_published_record_and_the_reason(
        app: App, tmp_path: Path) -> None:
    _published(app, tmp_path)
    _, seen, _ = app.editing.draft_of(DOCS[1], EDITOR)
    app.editing.edit(DOCS[1], {"title": "Telegram about the zebra"}, EDITOR, seen)
    with pytest.raises(Refused, match="comment"):
        app.editing.reject(DOCS[1], REVIEWER, " ")
    app.editing.reject(DOCS[1], REVIEWER, "the scan says okapi")
    assert app.editing.pending(DOCS[1]) is None
    stored = app.catalogue.get_document(DOCS[1], Actor.PUBLIC, today())
    assert stored is not None and stored.document.title == f"Telegram 2 on the {WORD} question"
    entry = app.publishing.history(DOCS[1]).entries[-1]  # type: ignore[union-attr]
    assert entry.actor == REVIEWER.name and entry.summary.endswith("the scan says okapi")
    assert _public_titles(app, "zebra") == []


def test_a_withdrawn_document_is_edited_at_once_and_an_editor_may_not_approve(
        app: App, tmp_path: Path) -> None:
    _published(app, tmp_path)
    app.publishing.take_step(DOCS[2:], Step.WITHDRAW, REVIEWER)
    _, seen, _ = app.editing.draft_of(DOCS[2], EDITOR)
    assert not app.editing.edit(DOCS[2], {"summary": "Gone."}, EDITOR, seen).pending
    _, seen, _ = app.editing.draft_of(DOCS[0], EDITOR)
    app.editing.edit(DOCS[0], {"summary": "New."}, EDITOR, seen)
    with pytest.raises(Refused, match="reviewer"):
        app.editing.approve(DOCS[0], OTHER)


def test_a_new_draft_is_made_from_a_record(app: App, tmp_path: Path) -> None:
    import_bundle(app, tmp_path / "b")
    with pytest.raises(Invalid) as caught:
        app.editing.create({"date": "1960-13"}, EDITOR)
    assert set(caught.value.errors) == {"title", "date"}
    saved = app.editing.create({"title": "Note on the okapi", "type": "note",
                                "date": "July 1960", "collections": ["okapi-papers"],
                                "texts": [{"language": "en", "body": "Okapi note."}]}, EDITOR)
    stored = app.catalogue.get_document(saved.public_id, Actor.EDITOR, today())
    assert stored is not None and stored.document.publication.state.value == "draft"
    assert stored.document.date.end == today().replace(1960, 7, 31)
    assert app.catalogue.get_document(saved.public_id, Actor.PUBLIC, today()) is None
    assert saved.updated_at - timedelta(seconds=5) < stored.updated_at.replace(  # type: ignore[union-attr]
        tzinfo=saved.updated_at.tzinfo)


def test_the_migration_matches_the_pending_revisions_table(app: App) -> None:
    """What 0015 made is what storage/pending.py declares."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from chancery.storage.tables import metadata

    with app.catalogue.engine.connect() as conn:
        drift = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in drift if "pending_revisions" in repr(d)] == []
