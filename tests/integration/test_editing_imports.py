"""Re-importing over the workspace's work on both catalogues: a changed source never overwrites
edits (it waits for a reviewer and the import says so), and never the state an editor set."""

from __future__ import annotations

from pathlib import Path

from chancery.bootstrap import App
from chancery.domain.accounts import Role
from chancery.domain.publication import Actor, PublicationState
from chancery.domain.workflow import Acting, Step
from chancery.services.clock import today
from chancery.services.imports import ImportSummary, import_paths
from tests.editorial import DOCS, import_bundle, write_bundle

EDITOR = Acting("ed@example.org", Role.EDITOR)
REVIEWER, OTHER = Acting("rev@example.org", Role.REVIEWER), Acting("o@example.org", Role.REVIEWER)
NEW_TITLE = "Telegram 1 on the okapi question, as the source now prints it"


def _reimport(app: App, folder: Path, **kwargs: str) -> ImportSummary:
    result = import_paths([write_bundle(folder, **kwargs)], app.import_context())
    assert not result.failed, result.failed
    return result


def _doc(app: App, ident: str) -> tuple[str, str, PublicationState]:
    stored = app.catalogue.get_document(ident, Actor.EDITOR, today())
    assert stored is not None
    d = stored.document
    return d.title, d.summary, d.publication.state


def test_a_changed_source_over_workspace_edits_waits_for_review_and_is_reported(
        app: App, tmp_path: Path) -> None:
    import_bundle(app, tmp_path / "b")
    _, seen, _ = app.editing.draft_of(DOCS[0], EDITOR)
    app.editing.edit(DOCS[0], {"summary": "Corrected by hand."}, EDITOR, seen)
    before = _doc(app, DOCS[0])
    again = _reimport(app, tmp_path / "b", title_of_first=NEW_TITLE)
    assert (again.conflicts, again.updated, again.unchanged) == ([DOCS[0]], 0, 2)
    assert again.as_dict()["conflicts"] == {"count": 1, "ids": [DOCS[0]]}
    assert _doc(app, DOCS[0]) == before  # the edit stands
    found = app.editing.pending(DOCS[0])
    assert found is not None and found[0].author == "import:bundle"
    assert found[1]["title"] == [before[0], NEW_TITLE]
    # the same changed source again: still the one conflict, the pending version untouched
    stamp = found[0].updated_at
    assert _reimport(app, tmp_path / "b", title_of_first=NEW_TITLE).conflicts == [DOCS[0]]
    assert app.editing.pending(DOCS[0])[0].updated_at == stamp  # type: ignore[index]
    # the source as first imported is unchanged, whatever the workspace did
    unchanged = _reimport(app, tmp_path / "b")
    assert (unchanged.unchanged, unchanged.conflicts, unchanged.updated) == (3, [], 0)
    app.editing.approve(DOCS[0], REVIEWER)
    assert _doc(app, DOCS[0])[0] == NEW_TITLE
    settled = _reimport(app, tmp_path / "b", title_of_first=NEW_TITLE)
    assert (settled.unchanged, settled.conflicts) == (3, [])


def test_an_editors_waiting_change_is_not_replaced_by_an_import(app: App, tmp_path: Path) -> None:
    import_bundle(app, tmp_path / "b", state="published")
    _, seen, _ = app.editing.draft_of(DOCS[0], EDITOR)
    app.editing.edit(DOCS[0], {"summary": "Waiting for review."}, EDITOR, seen)
    assert _reimport(app, tmp_path / "b", title_of_first=NEW_TITLE).conflicts == [DOCS[0]]
    found = app.editing.pending(DOCS[0])
    assert found is not None and found[0].author == EDITOR.name
    assert found[0].record["summary"] == "Waiting for review."


def test_a_reimport_never_overwrites_the_state_set_in_the_workspace(
        app: App, tmp_path: Path) -> None:
    """The file says draft; the reviewer published one and withdrew another: both stay. A
    document no one steered follows its file (an upstream publication or withdrawal)."""
    import_bundle(app, tmp_path / "b")
    app.publishing.take_step(DOCS[:2], Step.SUBMIT, OTHER)
    app.publishing.take_step(DOCS[:2], Step.PUBLISH, REVIEWER)
    app.publishing.take_step(DOCS[1:2], Step.WITHDRAW, REVIEWER)
    again = _reimport(app, tmp_path / "b", title_of_first=NEW_TITLE)
    assert (again.updated, again.conflicts) == (1, [])  # a workflow step alone is no edit
    assert _doc(app, DOCS[0])[::2] == (NEW_TITLE, PublicationState.PUBLISHED)
    assert _doc(app, DOCS[1])[2] is PublicationState.WITHDRAWN
    # a file that now says "withdrawn" withdraws none of the two the reviewer steered, and
    # moves the one no one touched
    again = _reimport(app, tmp_path / "b", state="withdrawn", title_of_first=NEW_TITLE)
    assert (again.updated, again.unchanged) == (1, 2)
    assert _doc(app, DOCS[0])[2] is PublicationState.PUBLISHED
    assert _doc(app, DOCS[1])[2] is PublicationState.WITHDRAWN
    assert _doc(app, DOCS[2])[2] is PublicationState.WITHDRAWN
