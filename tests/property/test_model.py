"""The model's own rules for edits, reviews, redactions and re-imports over edits, checked
by hand, so the property test compares the services with rules that say what the issue (and,
where it left a choice, the services) say."""

from __future__ import annotations

from datetime import date

from chancery.domain.accounts import Role
from chancery.domain.publication import PublicationState as S
from chancery.domain.workflow import Step
from tests.property.model import IMPORT, ArchiveModel, Source

TODAY = date(2100, 3, 1)
ANN, BEN = "ann@archive.test", "ben@archive.test"


def _archive(state: S) -> ArchiveModel:
    model = ArchiveModel(TODAY)
    model.add("doc1", "kestrel", "gerenuk", Source(state))
    return model


def test_an_edit_of_a_published_document_reaches_the_public_once_someone_else_approves() -> None:
    model = _archive(S.PUBLISHED)
    assert model.edit("doc1", "title", "edited", True, ANN) is True
    assert model.finds("edited") == set() and model.finds("kestrel") == {"doc1"}
    assert model.finds("edited", editor=True) == set()  # in the editor's draft only
    assert model.docs["doc1"].draft.title == {"edited"}
    assert model.approve("doc1", ANN, Role.REVIEWER) == "four eyes"
    assert model.approve("doc1", BEN, Role.REVIEWER) is None
    assert model.finds("edited") == {"doc1"} and model.docs["doc1"].shown("title") == {"edited"}
    assert model.finds("kestrel") == {"doc1"}  # still in its text


def test_an_edit_of_a_draft_is_in_force_at_once_and_still_not_public() -> None:
    model = _archive(S.DRAFT)
    assert model.edit("doc1", "text", "edited", False, ANN) is False
    assert model.docs["doc1"].words == {"kestrel", "edited"}
    assert model.finds("edited") == set() and model.finds("edited", editor=True) == {"doc1"}


def test_a_change_waiting_takes_the_next_edit_whatever_the_state() -> None:
    model = _archive(S.PUBLISHED)
    model.edit("doc1", "text", "first", False, ANN)
    model.step("doc1", Step.WITHDRAW, BEN, Role.REVIEWER)
    assert model.edit("doc1", "text", "second", False, BEN) is True
    assert model.approve("doc1", BEN, Role.REVIEWER) == "four eyes"  # both made it
    assert model.reject("doc1", Role.REVIEWER) is None
    assert model.docs["doc1"].draft.text == {"kestrel"}


def test_a_redaction_is_at_once_and_its_removal_waits_for_someone_else() -> None:
    model = _archive(S.PUBLISHED)
    assert model.redact("doc1", "text", "gerenuk") == "not there"
    assert model.redact("doc1", "text", "kestrel") is None
    assert model.redact("doc1", "text", "kestrel") == "already"
    assert model.finds("kestrel") == {"doc1"}  # the title still has it
    assert model.redact("doc1", "title", "kestrel") is None
    assert model.finds("kestrel") == set() and model.finds("kestrel", editor=True) == {"doc1"}
    assert model.approve_removal("doc1", 0, BEN, Role.REVIEWER) == "wrong state"
    assert model.request_removal("doc1", 0, ANN) is None
    assert model.finds("kestrel") == set()
    assert model.approve_removal("doc1", 0, ANN, Role.REVIEWER) == "four eyes"
    assert model.approve_removal("doc1", 0, BEN, Role.REVIEWER) is None
    assert model.finds("kestrel") == {"doc1"}  # by its text again; the title's still stands
    assert model.docs["doc1"].shown("title") == set()


def test_a_changed_source_over_edits_waits_for_review_and_never_replaces_an_editors() -> None:
    model = _archive(S.PUBLISHED)
    model.edit("doc1", "text", "edited", False, ANN)
    assert model.approve("doc1", BEN, Role.REVIEWER) is None
    revised = Source(S.PUBLISHED, revised=True)
    assert model.reimport({"doc1": revised}) == (set(), {"doc1"})
    waiting = model.docs["doc1"].pending
    assert waiting is not None and waiting.authors == [IMPORT]
    assert waiting.content.title == {"kestrel", "gerenuk"}
    model.edit("doc1", "title", "mine", False, ANN)  # the editor's now: the next file waits
    assert model.reimport({"doc1": Source(S.WITHDRAWN)}) == (set(), {"doc1"})
    assert model.docs["doc1"].draft.title == {"kestrel", "gerenuk", "mine"}
    # no one steered it: the source's withdrawal arrives at once, its other changes wait
    assert model.docs["doc1"].state is S.WITHDRAWN
