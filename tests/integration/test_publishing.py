"""Publishing on both catalogues: steps go through the import's write path (change number,
revision with its diff, was_public), leave workflow events, and the search index follows."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from chancery.bootstrap import App
from chancery.domain.accounts import Role
from chancery.domain.publication import Actor, PublicationState
from chancery.domain.workflow import Acting, Refused, Step
from chancery.services import search
from chancery.services.clock import today
from chancery.services.publishing import Publishing
from chancery.storage.interface import DocumentWrite
from chancery.storage.workflow import SqlEditorial
from tests.editorial import DOCS, WORD, import_bundle
from tests.integration.test_query_plans import statements

A, B = Acting("a@example.org", Role.REVIEWER), Acting("b@example.org", Role.REVIEWER)
OPERATOR = Acting.operator()


def _public_ids(app: App) -> list[str]:
    search.refresh_index(app.catalogue, app.index)
    found = app.search.documents(WORD, per_page=50, actor=Actor.PUBLIC)
    return sorted(h.public_id for h in found.results.hits)


def _state(app: App, ident: str) -> PublicationState:
    stored = app.catalogue.get_document(ident, Actor.EDITOR, today())
    assert stored is not None
    return stored.document.publication.state


def test_submit_then_publish_by_another_shows_it_and_records_who_when_why(
        app: App, tmp_path: Path) -> None:
    import_bundle(app, tmp_path / "b")
    before = app.catalogue.changes()
    assert app.publishing.take_step(DOCS[:2], Step.SUBMIT, A, "ready").changed == DOCS[:2]
    assert _public_ids(app) == []
    done = app.publishing.take_step(DOCS[:1], Step.PUBLISH, B, "checked against the scan")
    assert done.changed == DOCS[:1] and done.refused == []
    assert app.catalogue.changes() == before + 3  # each write took a change number
    assert _public_ids(app) == DOCS[:1]
    found = app.publishing.history(DOCS[0])
    assert found is not None and found.publication.state is PublicationState.PUBLISHED
    imported, submitted, published = found.entries
    assert imported.step is None and imported.number == 1
    assert submitted.step is not None and (submitted.actor, submitted.step.comment) == (A.name, "ready")
    assert published.step is not None and published.actor == B.name
    assert (published.step.from_state, published.step.to_state) == (
        PublicationState.IN_REVIEW, PublicationState.PUBLISHED)
    assert published.summary == "published: checked against the scan"
    assert published.changes == {"publication": [{"state": "in-review", "embargo_until": None},
                                                  {"state": "published", "embargo_until": None}]}


def test_four_eyes_holds_across_commands_unless_the_archive_allows(app: App, tmp_path: Path) -> None:
    """The submission is stored, so a later publish by the same person is refused."""
    import_bundle(app, tmp_path / "b")
    app.publishing.take_step(DOCS, Step.SUBMIT, OPERATOR)
    refused = app.publishing.take_step(DOCS[:1], Step.PUBLISH, OPERATOR)
    assert refused.changed == [] and "four eyes" in refused.refused[0][1]
    assert _state(app, DOCS[0]) is PublicationState.IN_REVIEW
    lenient = Publishing(app.catalogue, SqlEditorial(app.catalogue.engine),
                         allow_self_approval=True, audit=app.accounts.record)
    assert lenient.take_step(DOCS[:1], Step.PUBLISH, OPERATOR).changed == DOCS[:1]


def test_withdrawn_after_being_public_keeps_its_tombstone(app: App, tmp_path: Path) -> None:
    """Published then withdrawn: a 410 tombstone. Published under an embargo that never
    ended, then withdrawn: never public, so it stays unknown."""
    import_bundle(app, tmp_path / "b")
    app.publishing.take_step(DOCS[:2], Step.SUBMIT, A)
    app.publishing.set_embargo(DOCS[1:2], date(2999, 1, 1), A, "donor agreement")
    app.publishing.take_step(DOCS[:2], Step.PUBLISH, B)
    assert _public_ids(app) == DOCS[:1]
    assert app.publishing.take_step(DOCS[:2], Step.WITHDRAW, B, "rights").changed == DOCS[:2]
    assert _public_ids(app) == []
    assert app.catalogue.withdrawn(DOCS[0]) is not None
    assert app.catalogue.withdrawn(DOCS[1]) is None
    assert app.publishing.take_step(DOCS[:1], Step.REINSTATE, A).changed == DOCS[:1]
    assert _state(app, DOCS[0]) is PublicationState.IN_REVIEW


def test_an_embargo_hides_a_published_document_at_once(app: App, tmp_path: Path) -> None:
    import_bundle(app, tmp_path / "b", state="published")
    assert _public_ids(app) == DOCS
    tomorrow = today() + timedelta(days=1)
    out = app.publishing.set_embargo(DOCS[:1], tomorrow, A)
    assert out.changed == DOCS[:1]
    assert _public_ids(app) == DOCS[1:]
    again = app.publishing.set_embargo(DOCS[:1], tomorrow, A)
    assert again.refused == [(DOCS[0], f"the embargo is already until {tomorrow.isoformat()}")]
    assert app.publishing.set_embargo(DOCS[:1], None, A).changed == DOCS[:1]
    assert _public_ids(app) == DOCS


def test_revert_writes_the_old_fields_back_as_a_new_revision(app: App, tmp_path: Path) -> None:
    """A re-import changed the title; revert to revision 1 brings it back (search follows)
    and leaves the publication as the workflow made it."""
    import_bundle(app, tmp_path / "b", state="published")
    import_bundle(app, tmp_path / "b", state="published", title_of_first="Telegram on giraffes")
    assert app.search.documents("giraffes", actor=Actor.PUBLIC).results.total == 1
    assert app.publishing.revert(DOCS[0], 1, A, "the old title was right") == DOCS[0]
    stored = app.catalogue.get_document(DOCS[0], Actor.PUBLIC, today())
    assert stored is not None and stored.document.title == "Telegram 1 on the okapi question"
    found = app.publishing.history(DOCS[0])
    assert found is not None and len(found.entries) == 3
    last = found.entries[-1]
    assert last.summary == "reverted to revision 1: the old title was right" and last.actor == A.name
    assert last.changes == {"title": ["Telegram on giraffes", "Telegram 1 on the okapi question"]}
    search.refresh_index(app.catalogue, app.index)
    assert app.search.documents("giraffes", actor=Actor.PUBLIC).results.total == 0
    with pytest.raises(Refused, match="nothing to revert"):
        app.publishing.revert(DOCS[0], 1, A)


def test_reimporting_the_unchanged_source_keeps_the_editors_work(app: App, tmp_path: Path) -> None:
    """The source says draft; once published by the workflow, re-importing it unchanged
    leaves the document published (the stored hash is still the source's)."""
    import_bundle(app, tmp_path / "b")
    app.publishing.take_step(DOCS, Step.SUBMIT, A)
    app.publishing.take_step(DOCS, Step.PUBLISH, B)
    import_bundle(app, tmp_path / "b")
    assert _public_ids(app) == DOCS


def test_a_change_made_meanwhile_is_not_overwritten(app: App, tmp_path: Path) -> None:
    """The write checks the document is as it was read; otherwise it refuses."""
    import_bundle(app, tmp_path / "b")
    stored = app.catalogue.get_document(DOCS[0], Actor.EDITOR, today())
    assert stored is not None and stored.updated_at is not None
    store = SqlEditorial(app.catalogue.engine)
    write = DocumentWrite(stored.document, [], store.content_hash(stored.id),
                          stored.revisions[0], stored.id)
    with pytest.raises(Refused, match="changed while"):
        store.write(write, stored.updated_at - timedelta(seconds=1), None)
    assert app.publishing.take_step(["nope"], Step.SUBMIT, A).refused[0][1].startswith(
        "no such document")


def test_an_archive_from_before_the_workflow_upgrades_with_its_documents(
        app: App, tmp_path: Path) -> None:
    """Back at 0007 (no workflow_events), documents and revisions stay; `migrate` brings the
    table, and the workflow works on the upgraded archive."""
    from alembic import command

    from chancery.storage import migrate

    import_bundle(app, tmp_path / "b")
    cfg = migrate._config()
    with app.catalogue.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    assert app.catalogue.schema_status()[0] == "0007"
    app.catalogue.migrate()
    current, head = app.catalogue.schema_status()
    assert current == head and head >= "0009"
    assert app.publishing.take_step(DOCS, Step.SUBMIT, A).changed == DOCS
    found = app.publishing.history(DOCS[0])
    assert found is not None and [e.number for e in found.entries] == [1, 2]


def test_the_collections_the_public_sees_are_kept_and_follow_each_step(
        app: App, tmp_path: Path) -> None:
    """Asked again with nothing changed, the public's collections cost one look at the change
    count; publishing, an embargo and a withdrawal each show or hide the collection at once,
    as does the next day (an embargo ending)."""
    import_bundle(app, tmp_path / "b")
    engine = app.catalogue.engine  # type: ignore[attr-defined]

    def shown(day: date | None = None) -> list[str]:
        return [c.key for c in app.catalogue.collections(Actor.PUBLIC, day or today())]

    assert shown() == [] and "okapi-papers" in [
        c.key for c in app.catalogue.collections(Actor.EDITOR, today())]
    app.publishing.take_step(DOCS, Step.SUBMIT, A)
    app.publishing.set_embargo(DOCS, today() + timedelta(days=1), A)
    app.publishing.take_step(DOCS, Step.PUBLISH, B)
    assert shown() == []  # under an embargo until tomorrow
    assert shown(today() + timedelta(days=1)) == ["okapi-papers"]
    app.publishing.set_embargo(DOCS, None, A)
    assert shown() == ["okapi-papers"]
    with statements(engine) as seen:
        assert shown() == ["okapi-papers"]
    reads = [s for s, _ in seen if s.startswith("SELECT")]  # SQLite's BEGIN apart
    assert len(reads) == 1 and "catalogue_meta" in reads[0], seen
    app.publishing.take_step(DOCS, Step.WITHDRAW, B, "rights")
    assert shown() == []
