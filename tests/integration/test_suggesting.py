"""Suggestions in the workspace's service: each kind accepted becomes its record field with
the suggestion named in the revision; a correction puts the editor's value in; a rejection
changes nothing; all of one kind go in one revision; a stage run again neither brings back a
rejected suggestion nor offers an accepted one twice; only the staff read them."""

from __future__ import annotations

from pathlib import Path

import pytest

from chancery.bootstrap import App
from chancery.domain.accounts import Role
from chancery.domain.authorities import Role as LinkRole
from chancery.domain.publication import Actor
from chancery.domain.suggestions import Decision, Finding, Kind
from chancery.domain.workflow import Acting, Refused, Step
from chancery.services.clock import today
from chancery.services.redacting import Wanted
from chancery.storage.interface import StoredDocument
from tests.editorial import DOCS, import_bundle

EDITOR = Acting("ed@example.org", Role.EDITOR)
HERTER = "person/herter-christian-a"
DATE = Finding(Kind.DATE, "18 Jul 63", 0.92, "18 Jul 63", 10, 19,
               {"display": "18 Jul 63", "start": "1963-07-18", "end": "1963-07-18",
                "precision": "day"}, stage="date/1")


def _doc(app: App, ident: str = DOCS[0]) -> StoredDocument:
    stored = app.catalogue.get_document(ident, Actor.EDITOR, today())
    assert stored is not None
    return stored


def _offer(app: App, *findings: Finding, ident: str = DOCS[0]) -> dict[str, int]:
    """Store the findings as a stage would; the suggestions' ids by value."""
    app.suggestion_review.store(_doc(app, ident).id, list(findings))
    shown = app.suggestion_review.suggested(ident, EDITOR)
    return {s.finding.value: s.id for g in shown.groups for s in g.open}


def _accept(app: App, ident: str, suggestion_id: int, corrected: str = "") -> None:
    decision = Decision.CORRECTED if corrected else Decision.ACCEPTED
    app.suggestion_review.decide(ident, suggestion_id, decision, EDITOR, corrected)


def _last_note(app: App, ident: str = DOCS[0]) -> str:
    history = app.publishing.history(ident)
    assert history is not None
    return history.entries[-1].summary


@pytest.fixture
def archive(app: App, tmp_path: Path) -> App:
    import_bundle(app, tmp_path / "b")
    return app


def test_an_accepted_date_becomes_the_records_date_and_the_revision_names_it(
        archive: App) -> None:
    ids = _offer(archive, DATE)
    _accept(archive, DOCS[0], ids["18 Jul 63"])
    d = _doc(archive).document.date
    assert (d.display, d.start.isoformat() if d.start else "", d.precision.value) == (
        "18 Jul 63", "1963-07-18", "day")
    assert _last_note(archive) == "edited: from suggestion: date 18 Jul 63, 0.92, stage date/1"
    [group] = archive.suggestion_review.suggested(DOCS[0], EDITOR).groups
    assert group.open == [] and group.decided[0].decision is Decision.ACCEPTED
    assert group.decided[0].decided_by == EDITOR.name


def test_each_kind_goes_into_its_field(archive: App) -> None:
    """Classification, type, from (a known record), to (a new record), people,
    organizations, places, a relation, the summary and a release stamp."""
    ids = _offer(archive, *[
        Finding(Kind.CLASSIFICATION, "SECRET EYES ONLY", 0.9, data={"level": "secret"}),
        Finding(Kind.TYPE, "memorandum of conversation", 0.8,
                data={"type": "memorandum-of-conversation"}),
        Finding(Kind.FROM, "Herter", 0.7, "HERTER", authority_key=HERTER),
        Finding(Kind.TO, "Rusk, Dean", 0.6, "RUSK"),
        Finding(Kind.PERSON, "Castro, Fidel", 0.8, "Castro"),
        Finding(Kind.ORGANIZATION, "Central Intelligence Agency", 0.8, "CIA"),
        Finding(Kind.PLACE, "Djakarta", 0.8, "Djakarta"),
        Finding(Kind.RELATION, "Reference your telegram 2", 0.7,
                data={"type": "reply-to", "target": DOCS[1]}),
        Finding(Kind.SUMMARY, "On the okapi.", 0.5),
        Finding(Kind.RELEASE, "2025 RELEASE UNDER THE PRESIDENT JOHN F. KENNEDY "
                "ASSASSINATION RECORDS ACT OF 1992", 0.99,
                data={"released": "2025", "authority": "JFK Records Act of 1992"})])
    for value in ids:
        _accept(archive, DOCS[0], ids[value])
    stored = _doc(archive)
    d = stored.document
    assert (d.classification.marking, d.classification.level.value) == ("SECRET EYES ONLY",
                                                                        "secret")
    assert d.doc_type.value == "memorandum-of-conversation"
    assert stored.names(LinkRole.AUTHOR) == ["Herter, Christian A."]  # linked once, not twice
    assert stored.names(LinkRole.RECIPIENT) == ["Rusk, Dean"]
    assert stored.names(LinkRole.MENTIONED) == ["Castro, Fidel", "Central Intelligence Agency"]
    assert stored.names(LinkRole.PLACE_MENTIONED) == ["Djakarta"]
    kinds = {la.authority.name: la.authority.kind.value for la in stored.authorities}
    assert kinds["Central Intelligence Agency"] == "organization" and kinds["Djakarta"] == "place"
    assert [(r.type.value, r.target) for r in d.relations] == [("reply-to", DOCS[1])]
    assert d.summary == "On the okapi."
    assert [(r.released, r.authority) for r in d.releases] == [("2025", "JFK Records Act of 1992")]
    assert d.date.start is not None and d.date.start.year == 1961  # a release is not the date
    assert "Castro" in [la.as_written for la in stored.document.links]


def test_an_accepted_language_goes_to_the_ocr_version_only(archive: App) -> None:
    record, seen, _ = archive.editing.draft_of(DOCS[0], EDITOR)
    ocr = {"key": "und-ocr", "language": "und", "kind": "ocr", "body": "Das Okapi."}
    archive.editing.edit(DOCS[0], {"texts": [*record["texts"], ocr]}, EDITOR, seen)
    ids = _offer(archive, Finding(Kind.LANGUAGE, "de", 0.95, stage="language/1"))
    _accept(archive, DOCS[0], ids["de"])
    langs = {t.version_key: t.language for t in _doc(archive).document.texts}
    assert langs == {"en-original": "en", "und-ocr": "de"}


def test_a_corrected_suggestion_puts_the_editors_value_in(archive: App) -> None:
    ids = _offer(archive, DATE, Finding(Kind.PERSON, "Dules", 0.4, "Dules"))
    _accept(archive, DOCS[0], ids["18 Jul 63"], "19 July 1963")
    assert _doc(archive).document.date.display == "19 July 1963"
    assert "date 18 Jul 63 corrected to 19 July 1963, 0.92" in _last_note(archive)
    # a corrected name that spells a record links that record, not a new one
    _accept(archive, DOCS[0], ids["Dules"], "Herter, Christian A.")
    assert _doc(archive).names(LinkRole.MENTIONED) == ["Herter, Christian A."]
    decided = {s.finding.value: s for g in archive.suggestion_review.suggested(DOCS[0], EDITOR).groups
               for s in g.decided}
    assert decided["18 Jul 63"].decision is Decision.CORRECTED
    assert decided["18 Jul 63"].corrected == "19 July 1963"


def test_a_rejected_suggestion_changes_nothing_and_stays_rejected(archive: App) -> None:
    before = _doc(archive)
    ids = _offer(archive, DATE)
    archive.suggestion_review.decide(DOCS[0], ids["18 Jul 63"], Decision.REJECTED, EDITOR)
    after = _doc(archive)
    assert after.document == before.document and len(after.revisions) == len(before.revisions)
    with pytest.raises(Refused, match="rejected this suggestion already"):
        _accept(archive, DOCS[0], ids["18 Jul 63"])
    entry = archive.audit_reads.entries(None, "suggestion", "", 5, 0)[0]
    assert entry.subject == DOCS[0] and entry.detail["decision"] == "rejected"


def test_all_of_one_kind_go_in_one_revision(archive: App) -> None:
    people = [Finding(Kind.PERSON, n, 0.8 - i / 10, n, stage="entities/1")
              for i, n in enumerate(("Castro, Fidel", "Guevara, Ernesto"))]
    _offer(archive, *people, DATE)
    revisions = len(_doc(archive).revisions)
    archive.suggestion_review.decide_kind(DOCS[0], Kind.PERSON, Decision.ACCEPTED, EDITOR)
    stored = _doc(archive)
    assert stored.names(LinkRole.MENTIONED) == ["Castro, Fidel", "Guevara, Ernesto"]
    assert len(stored.revisions) == revisions + 1
    assert _last_note(archive) == ("edited: from suggestions: people Castro, Fidel, 0.80, stage "
                                   "entities/1; people Guevara, Ernesto, 0.70, stage entities/1")
    archive.suggestion_review.decide_kind(DOCS[0], Kind.DATE, Decision.REJECTED, EDITOR)
    assert archive.suggestion_review.suggested(DOCS[0], EDITOR).open_count == 0


def test_two_dates_are_not_accepted_all_at_once(archive: App) -> None:
    other = Finding(Kind.DATE, "1963", 0.3, data={"start": "1963-01-01", "end": "1963-12-31",
                                                  "precision": "year"})
    _offer(archive, DATE, other)
    with pytest.raises(Refused, match="2 values are suggested for the date"):
        archive.suggestion_review.decide_kind(DOCS[0], Kind.DATE, Decision.ACCEPTED, EDITOR)


def test_storing_again_keeps_the_decisions(archive: App) -> None:
    """A stage run again replaces the open suggestions; a rejected one does not come back,
    an accepted one is not offered twice, and storing the same twice changes nothing."""
    person = Finding(Kind.PERSON, "Castro, Fidel", 0.8)
    place = Finding(Kind.PLACE, "Havana", 0.6)
    ids = _offer(archive, DATE, person, place)
    _accept(archive, DOCS[0], ids["18 Jul 63"])
    archive.suggestion_review.decide(DOCS[0], ids["Castro, Fidel"], Decision.REJECTED, EDITOR)
    doc_id = _doc(archive).id
    newer = [Finding(Kind.DATE, "18 jul  63", 0.95, stage="date/2"),
             Finding(Kind.PERSON, "castro, fidel", 0.9), Finding(Kind.PLACE, "Moscow", 0.7),
             Finding(Kind.PLACE, "Moscow", 0.5)]
    assert archive.suggestion_review.store(doc_id, newer) == 1
    assert archive.suggestion_review.store(doc_id, newer) == 1
    shown = archive.suggestion_review.suggested(DOCS[0], EDITOR)
    assert [(s.finding.value, s.finding.confidence) for g in shown.groups for s in g.open] == [
        ("Moscow", 0.7)]  # Havana was open: replaced; Moscow once, the surer reading
    assert sorted(s.decision.value for g in shown.groups for s in g.decided) == [
        "accepted", "rejected"]


def test_suggestions_are_for_the_staff(archive: App) -> None:
    _offer(archive, DATE)
    reader = Acting("reader@example.org", Role.READER)
    with pytest.raises(Refused, match="reader"):
        archive.suggestion_review.suggested(DOCS[0], reader)
    with pytest.raises(Refused):
        archive.suggestion_review.decide_kind(DOCS[0], Kind.DATE, Decision.ACCEPTED, reader)


def test_a_suggestion_that_does_not_fit_is_refused_with_the_reason(archive: App) -> None:
    ids = _offer(archive, Finding(Kind.TYPE, "haiku", 0.3), Finding(Kind.DATE, "soon", 0.2))
    with pytest.raises(Refused, match="not a document type"):
        _accept(archive, DOCS[0], ids["haiku"])
    with pytest.raises(Refused, match="not a date"):
        _accept(archive, DOCS[0], ids["soon"])
    assert archive.suggestion_review.suggested(DOCS[0], EDITOR).open_count == 2  # still open


def test_the_migration_matches_the_suggestions_table(app: App) -> None:
    """What 0021 made is what storage/suggestions.py declares."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from chancery.storage.tables import metadata

    with app.catalogue.engine.connect() as conn:
        drift = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in drift if "suggestions" in repr(d)] == []


def test_a_purged_document_takes_its_suggestions_with_it(archive: App) -> None:
    """Purging leaves no suggestion behind (its table goes with the document's rows)."""
    doc_id = _doc(archive).id
    _offer(archive, DATE)
    admin = Acting("admin@example.org", Role.ADMIN)
    assert archive.purging.purge([DOCS[0]], "test", admin).changed == [DOCS[0]]
    assert archive.suggestion_review.suggestions.of_document(doc_id) == []


def test_a_published_documents_ocr_correction_may_not_repeat_redacted_words(
        archive: App) -> None:
    """Approving would make the transcription public without the OCR's redaction: refused,
    saying why; a draft's correction carries the redaction instead (the web test)."""
    record, seen, _ = archive.editing.draft_of(DOCS[0], EDITOR)
    ocr = {"key": "en-ocr", "language": "en", "kind": "ocr", "body": "Agent Quoll met us."}
    archive.editing.edit(DOCS[0], {"texts": [*record["texts"], ocr]}, EDITOR, seen)
    archive.redacting.redact(DOCS[0], Wanted("(b)(6)", text="Quoll", version="en-ocr"),
                             EDITOR)
    reviewer = Acting("rev@example.org", Role.REVIEWER)
    for step, who in ((Step.SUBMIT, EDITOR), (Step.PUBLISH, reviewer)):
        assert archive.publishing.take_step([DOCS[0]], step, who).changed
    form = archive.transcribing.form(DOCS[0], EDITOR)
    assert (form.ocr_key, form.key, form.body) == ("en-ocr", "en-ocr-corrected",
                                                   "Agent Quoll met us.")
    with pytest.raises(Refused, match=r"repeats words redacted in the OCR version \(\(b\)\(6\)\)"):
        archive.transcribing.save(DOCS[0], "en-ocr", "Agent Quoll met us.", EDITOR, form.seen)
    saved = archive.transcribing.save(DOCS[0], "en-ocr", "Agent [...] met us.", EDITOR,
                                      form.seen)
    assert saved.pending and archive.editing.pending(DOCS[0]) is not None
